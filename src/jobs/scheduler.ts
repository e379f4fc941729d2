import type { AppContext } from '../context.ts';

/** A periodic task, run on its interval by the job runtime (runtime.ts) in `serve` and in workers. */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  /** When run as a job: how long before a run whose process died is considered lost (default 900 s). */
  expireSeconds?: number;
  run(ctx: AppContext): Promise<void>;
}
