import { z } from 'zod';

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

/**
 * A kind of job: its name and the zod schema of its payload, defined beside the code that sends
 * it (e.g. `collectSourceJob` in collect/collector.ts). `send` takes the schema's input type, a
 * handler gets its output, and the payload is checked when a job is taken: a malformed one fails
 * with a MalformedJobError and never reaches the handler.
 */
export interface JobType<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly payload: S;
}

export function jobType<S extends z.ZodType>(name: string, payload: S): JobType<S> {
  return { name, payload };
}

/** What a sender gives. */
export type JobInput<J extends JobType> = z.input<J['payload']>;
/** What a handler gets. */
export type JobPayload<J extends JobType> = z.output<J['payload']>;

/** Jobs without a payload (the periodic tasks). */
export const noPayload = z.object({});

export type JobHandler<S extends z.ZodType = z.ZodType> = (data: z.output<S>) => Promise<void>;

export class MalformedJobError extends Error {
  constructor(
    readonly job: string,
    readonly problem: string,
  ) {
    super(`job ${job}: malformed payload (${problem})`);
  }
}

/** The payload of a job just taken, checked against its type (both queues call this). */
export function takePayload<S extends z.ZodType>(job: JobType<S>, data: unknown): z.output<S> {
  const parsed = job.payload.safeParse(data ?? {});
  if (!parsed.success) throw new MalformedJobError(job.name, parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
  return parsed.data;
}

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
  send<S extends z.ZodType>(job: JobType<S>, data: z.input<S>, opts?: SendOptions): Promise<string | null>;
  work<S extends z.ZodType>(job: JobType<S>, handler: JobHandler<S>, opts?: JobOptions): Promise<void>;
}
