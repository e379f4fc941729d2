/**
 * One job interface, two implementations: in-process (embedded SQLite mode) and pg-boss
 * (PostgreSQL, shared by any number of `minsheng worker` processes).
 */
export interface SendOptions {
  /** At most one queued and one running job per (name, key) — e.g. one fetch per source. */
  singletonKey?: string;
  /** With singletonKey: at most one job per key per this many seconds (throttling periodic work). */
  singletonSeconds?: number;
}

export type JobData = Record<string, unknown>;
export type JobHandler = (data: JobData) => Promise<void>;

export interface JobOptions {
  /** Parallel jobs of this name in this process. */
  concurrency?: number;
  /** A running job not finished after this long is considered lost and retried (its process died). */
  expireSeconds?: number;
  retryLimit?: number;
  /**
   * Jobs of this name are sent with singleton keys (one waiting + one running per key). pg-boss
   * needs to know when the queue is created, so register work() before sending.
   */
  singleton?: boolean;
}

export interface JobQueue {
  readonly kind: 'inprocess' | 'pgboss';
  start(): Promise<void>;
  /** Waits for running jobs (graceful); queued jobs stay queued. */
  stop(): Promise<void>;
  send(name: string, data: JobData, opts?: SendOptions): Promise<string | null>;
  work(name: string, handler: JobHandler, opts?: JobOptions): Promise<void>;
}
