import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createContext } from '../../context.ts';
import { dbKindOf, openDatabase, resolveDbUrl } from '../../db/connect.ts';
import { loadWorkspaceZone } from '../../time/settings.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { startJobRuntime } from '../../jobs/runtime.ts';
import { periodicTasks } from '../../jobs/tasks.ts';
import { createLogger } from '../../log.ts';
import { processEventLoop } from '../../server/event-loop.ts';
import { CliError } from '../context.ts';

export function workerCommand(program: Command) {
  program
    .command('worker')
    .description('run collection, analysis, alert delivery, follow-up, scheduled reports and retraining from the shared PostgreSQL job queue (pg-boss); start as many as needed')
    .option('--db <url>', 'postgres:// URL (default: DATABASE_URL)')
    .option('--concurrency <n>', 'parallel jobs per job kind in this worker', '2')
    .action(async (opts: { db?: string; concurrency: string }) => {
      const url = resolveDbUrl(opts.db);
      if (dbKindOf(url) !== 'postgres') {
        throw new CliError('minsheng worker needs PostgreSQL (--db postgres://… or DATABASE_URL); with SQLite, `minsheng serve` runs the jobs itself');
      }
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new CliError(`--concurrency must be an integer 1–64, got "${opts.concurrency}"`);
      const config = loadConfig();
      const log = createLogger(config.LOG_LEVEL).child({ part: 'worker', pid: process.pid });
      const db = await openDatabase(url);
      await migrateToLatest(db);
      await loadWorkspaceZone(db.kysely);
      const ctx = createContext(db, config, log);
      // stalls of a second or more are logged (a worker has no /api/health)
      processEventLoop(log);
      const runtime = await startJobRuntime(ctx, periodicTasks, { databaseUrl: url, concurrency });
      log.info({ database: db.location, concurrency }, 'worker started');
      const shutdown = async (signal: string) => {
        log.info({ signal }, 'worker stopping; finishing running jobs');
        await runtime.stop();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
