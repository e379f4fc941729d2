import type { FastifyInstance } from 'fastify';
import { ensureAdmin } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { createContext, type AppContext } from '../context.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { startReadThreads } from '../db/read-thread.ts';
import { PgBossQueue } from '../jobs/pgboss-queue.ts';
import { startJobRuntime, type JobRuntime } from '../jobs/runtime.ts';
import { periodicTasks } from '../jobs/tasks.ts';
import type { Logger } from '../log.ts';
import { buildApp } from './app.ts';
import { loadWorkspaceZone } from '../time/settings.ts';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  dbUrl: string;
  config: Config;
  log: Logger;
  port?: number;
  host?: string;
  /** Run jobs (collection, analysis, delivery, deadlines) in this process. Off with `serve --no-jobs` when workers run them. */
  scheduler?: boolean;
  /** Parallel jobs per job name. */
  concurrency?: number;
  /** Called once when the first admin is created, with the password to show. */
  onAdminCreated?: (info: { username: string; password: string; generated: boolean }) => void;
}

/**
 * `serve --no-jobs` on PostgreSQL runs no jobs but still hands work to the workers (retraining
 * after a correction), so it keeps a queue to send on.
 */
async function startSendOnlyQueue(ctx: AppContext, dbUrl: string): Promise<JobRuntime> {
  const queue = new PgBossQueue(dbUrl, ctx.log.child({ part: 'jobs' }), { max: 2, maintenanceSeconds: ctx.config.MINSHENG_JOB_MAINTENANCE_SECONDS });
  await queue.start();
  ctx.jobs = queue;
  return {
    queue,
    async stop() {
      await queue.stop();
      ctx.jobs = undefined;
    },
  };
}

/** Opens the database, migrates, creates the first admin, and serves the API and console. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const db = await openDatabase(opts.dbUrl);
  const ctx = createContext(db, opts.config, opts.log);
  let jobs: JobRuntime | null = null;
  let app: FastifyInstance | null = null;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) opts.log.info({ applied }, 'database migrated');
    await loadWorkspaceZone(db.kysely);
    const admin = await ensureAdmin(db.kysely, opts.config.MINSHENG_ADMIN_PASSWORD);
    if (admin) opts.onAdminCreated?.(admin);
    if (opts.config.MINSHENG_READ_THREADS) await startReadThreads(db);
    app = await buildApp(ctx);
    const address = await app.listen({ port: opts.port ?? opts.config.PORT, host: opts.host ?? opts.config.HOST });
    if (opts.scheduler !== false) jobs = await startJobRuntime(ctx, periodicTasks, { databaseUrl: opts.dbUrl, concurrency: opts.concurrency });
    else if (db.kind === 'postgres') jobs = await startSendOnlyQueue(ctx, opts.dbUrl);
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    return {
      app,
      ctx,
      url,
      close: async () => {
        await jobs?.stop();
        await app?.close();
        await db.close();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
