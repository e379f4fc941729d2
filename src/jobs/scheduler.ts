import type { AppContext } from '../context.ts';

/** A periodic task run by `minsheng serve` (and by workers when scaled out). */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  /** When run as a job: how long before a run whose process died is considered lost (default 900 s). */
  expireSeconds?: number;
  run(ctx: AppContext): Promise<void>;
}

/**
 * The embedded scheduler: each task runs on its interval, never overlapping itself; a failing
 * run is logged and the task continues. `stop` waits for running tasks to finish.
 */
export class InProcessScheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly ctx: AppContext) {}

  start(tasks: PeriodicTask[]): void {
    for (const task of tasks) this.schedule(task, Math.min(1000, task.intervalMs));
  }

  /** Runs a task now (if it is not already running) and waits for it. */
  async runNow(task: PeriodicTask): Promise<void> {
    const current = this.running.get(task.name);
    if (current) return current;
    const p = task
      .run(this.ctx)
      .catch((err) => this.ctx.log.error({ err, task: task.name }, 'periodic task failed'))
      .finally(() => this.running.delete(task.name));
    this.running.set(task.name, p);
    return p;
  }

  private schedule(task: PeriodicTask, delay: number) {
    if (this.stopped) return;
    const timer = setTimeout(async () => {
      await this.runNow(task);
      this.schedule(task, task.intervalMs);
    }, delay);
    timer.unref();
    this.timers.set(task.name, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.running.values());
  }
}
