import type { AppContext } from '../context.ts';

/** A periodic task, run on its interval by the job runtime (runtime.ts) in `serve` and in workers. */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  /** When run as a job: how long before a run whose process died is considered lost (default 900 s). */
  expireSeconds?: number;
  /**
   * Run on a timer in every process of the job runtime instead of as a singleton job: for a
   * cheap planner whose own compare-and-set claims make concurrent runs safe, so that a short
   * interval costs no queue traffic.
   */
  local?: boolean;
  run(ctx: AppContext): Promise<void>;
}
