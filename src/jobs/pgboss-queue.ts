import pg from 'pg';
import PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { Logger } from '../log.ts';
import { MalformedJobError, takePayload, type JobHandler, type JobOptions, type JobQueue, type JobType, type SendOptions } from './queue.ts';

/** pg-boss keeps its tables in this schema of the workspace database. */
export const PGBOSS_SCHEMA = 'pgboss';

/**
 * The shared queue on PostgreSQL. Singleton job names get a `stately` queue: per singleton key
 * at most one job waiting and one running, so a source is fetched by one worker at a time. A job
 * whose worker dies expires after `expireSeconds` and is retried by another worker.
 */
export class PgBossQueue implements JobQueue {
  readonly kind = 'pgboss' as const;
  private boss: PgBoss;
  private created = new Set<string>();
  private singleton = new Set<string>();
  private startedAt = 0;

  constructor(private readonly connectionString: string, private readonly log: Logger, opts: { max?: number; maintenanceSeconds?: number } = {}) {
    this.boss = new PgBoss({
      connectionString,
      schema: PGBOSS_SCHEMA,
      max: opts.max ?? 4,
      application_name: 'minsheng-jobs',
      // Our planners enqueue the periodic work; pg-boss's own cron scheduler is not used.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: opts.maintenanceSeconds ?? 30,
      retentionDays: 2,
    });
    this.boss.on('error', (err) => this.log.error({ err }, 'pg-boss error'));
  }

  /**
   * pg-boss creates its schema and each queue's partition with DDL; several workers starting at
   * the same moment on a fresh database can deadlock on it. A session-level advisory lock makes
   * that setup one process at a time.
   */
  private async withSetupLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(7263001)');
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(7263001)').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  async start(): Promise<void> {
    await this.withSetupLock(() => this.boss.start());
    this.startedAt = Date.now();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  private async ensureQueue(name: string, opts: JobOptions = {}): Promise<void> {
    if (this.created.has(name)) return;
    const existing = await this.boss.getQueue(name);
    if (!existing) await this.withSetupLock(async () => {
      if (await this.boss.getQueue(name)) return;
      try {
        await this.boss.createQueue(name, {
          name,
          // stately: per singleton key one job waiting and one running; standard: a plain queue.
          policy: this.singleton.has(name) ? 'stately' : 'standard',
          retryLimit: opts.retryLimit ?? 3,
          retryDelay: 5,
          retryBackoff: true,
          expireInSeconds: opts.expireSeconds ?? 600,
        });
      } catch (err) {
        // Another process created it at the same moment.
        if (!(await this.boss.getQueue(name))) throw err;
      }
    });
    this.created.add(name);
  }

  async send<S extends z.ZodType>(type: JobType<S>, data: z.input<S>, opts: SendOptions = {}): Promise<string | null> {
    const name = type.name;
    await this.ensureQueue(name);
    return this.boss.send(name, data as object, {
      singletonKey: opts.singletonKey,
      singletonSeconds: opts.singletonSeconds,
    });
  }

  async work<S extends z.ZodType>(type: JobType<S>, handler: JobHandler<S>, opts: JobOptions = {}): Promise<void> {
    const name = type.name;
    if (opts.singleton) this.singleton.add(name);
    await this.ensureQueue(name, opts);
    const concurrency = Math.max(1, opts.concurrency ?? 1);
    // pg-boss runs one handler call per work() registration at a time; register several for parallelism.
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<unknown>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
        for (const job of jobs) {
          let data;
          try {
            data = takePayload(type, job.data);
          } catch (err) {
            // pg-boss records the failure on the job; the log says which payload and why.
            if (err instanceof MalformedJobError) this.log.error({ err, job: name, id: job.id }, 'job payload malformed');
            throw err;
          }
          await handler(data);
        }
      });
    }
  }

  get uptimeMs(): number {
    return Date.now() - this.startedAt;
  }
}
