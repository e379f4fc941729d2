import type { AppContext } from '../context.ts';
import { jobDefinitions } from './definitions.ts';
import { InProcessQueue } from './inprocess-queue.ts';
import { PgBossQueue } from './pgboss-queue.ts';
import { jobType, noPayload, type JobQueue } from './queue.ts';
import type { PeriodicTask } from './scheduler.ts';

export interface JobRuntime {
  queue: JobQueue;
  stop(): Promise<void>;
}

export interface JobRuntimeOptions {
  /** Parallel jobs per job name in this process. */
  concurrency?: number;
  /** For PostgreSQL: the connection string pg-boss uses. */
  databaseUrl?: string;
}

/** Job name of a periodic task. */
export function taskJobName(task: PeriodicTask): string {
  return `task.${task.name}`;
}

/** The job that runs a periodic task (no payload). */
export function taskJob(task: PeriodicTask) {
  return jobType(taskJobName(task), noPayload);
}

/**
 * Starts the job machinery of a process: the queue (in-process for SQLite, pg-boss for
 * PostgreSQL), a handler for every periodic task and every job a task fans out into, and the
 * planner that enqueues each periodic task on its interval. With several workers on PostgreSQL,
 * the singleton keys make each task run in one worker at a time and each source fetched once.
 */
export async function startJobRuntime(ctx: AppContext, tasks: PeriodicTask[], opts: JobRuntimeOptions = {}): Promise<JobRuntime> {
  const queue: JobQueue =
    ctx.db.kind === 'postgres' && opts.databaseUrl ? new PgBossQueue(opts.databaseUrl, ctx.log.child({ part: 'jobs' }), { maintenanceSeconds: ctx.config.MINSHENG_JOB_MAINTENANCE_SECONDS }) : new InProcessQueue(ctx.log.child({ part: 'jobs' }));
  await queue.start();
  ctx.jobs = queue;
  for (const def of jobDefinitions) {
    await queue.work(def.job, (data) => def.run(ctx, data), { concurrency: def.concurrency ?? opts.concurrency ?? 2, expireSeconds: ctx.config.MINSHENG_JOB_LEASE_SECONDS ?? def.expireSeconds, retryLimit: def.retryLimit, singleton: def.singleton });
  }
  const queued = tasks.filter((t) => !t.local);
  for (const task of queued) {
    await queue.work(taskJob(task), () => task.run(ctx), { concurrency: 1, expireSeconds: ctx.config.MINSHENG_JOB_LEASE_SECONDS ?? task.expireSeconds ?? 900, retryLimit: 0, singleton: true });
  }
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const plan = async (task: PeriodicTask) => {
    if (stopped) return;
    try {
      await queue.send(taskJob(task), {}, { singletonKey: task.name, singletonSeconds: Math.max(1, Math.floor(task.intervalMs / 1000)) });
    } catch (err) {
      ctx.log.warn({ err, task: task.name }, 'could not enqueue periodic task');
    }
  };
  const running = new Map<PeriodicTask, Promise<void>>();
  const runLocal = (task: PeriodicTask) => {
    if (stopped || running.has(task)) return;
    const run = task
      .run(ctx)
      .catch((err) => ctx.log.warn({ err, task: task.name }, 'periodic task failed'))
      .finally(() => running.delete(task));
    running.set(task, run);
  };
  for (const task of tasks) {
    const tick = task.local ? () => runLocal(task) : () => void plan(task);
    // A short first delay so a fresh start collects and delivers promptly; jitter spreads workers.
    const first = setTimeout(tick, Math.min(task.intervalMs, 500 + Math.random() * 1500));
    first.unref();
    timers.push(first);
    const every = setInterval(tick, task.intervalMs);
    every.unref();
    timers.push(every);
  }
  return {
    queue,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(running.values());
      await queue.stop();
      if (ctx.jobs === queue) ctx.jobs = undefined;
    },
  };
}
