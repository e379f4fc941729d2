import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '../log.ts';
import { takePayload, type JobHandler, type JobOptions, type JobQueue, type JobType, type SendOptions } from './queue.ts';

interface Queued {
  id: string;
  name: string;
  /** As sent; checked against the job's type when taken. */
  data: unknown;
  key?: string;
  attempts: number;
  notBefore: number;
}

/** A registered handler; `run` checks the payload against the job's type first. */
interface Worker {
  run(data: unknown): Promise<void>;
  opts: JobOptions;
  running: number;
}

/**
 * The embedded queue: jobs live in memory and run in this process. Nothing is lost by
 * keeping them in memory because every job is re-derived from the database by the periodic
 * planners (due sources, unanalysed posts, pending alerts) after a restart.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'inprocess' as const;
  private handlers = new Map<string, Worker>();
  private queue: Queued[] = [];
  private activeKeys = new Set<string>();
  private lastByKey = new Map<string, number>();
  private running = new Set<Promise<void>>();
  private started = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly log: Logger) {}

  async start(): Promise<void> {
    this.started = true;
    this.timer = setInterval(() => this.pump(), 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.running);
  }

  async send<S extends z.ZodType>(type: JobType<S>, data: z.input<S>, opts: SendOptions = {}): Promise<string | null> {
    const name = type.name;
    const key = opts.singletonKey ? `${name}|${opts.singletonKey}` : undefined;
    if (key) {
      if (this.queue.some((q) => q.key === key)) return null;
      if (opts.singletonSeconds) {
        const last = this.lastByKey.get(key);
        if (last !== undefined && Date.now() - last < opts.singletonSeconds * 1000) return null;
        this.lastByKey.set(key, Date.now());
      }
    }
    const job: Queued = { id: randomUUID(), name, data, key, attempts: 0, notBefore: 0 };
    this.queue.push(job);
    queueMicrotask(() => this.pump());
    return job.id;
  }

  async work<S extends z.ZodType>(type: JobType<S>, handler: JobHandler<S>, opts: JobOptions = {}): Promise<void> {
    this.handlers.set(type.name, { run: async (data) => handler(takePayload(type, data)), opts, running: 0 });
  }

  /** Jobs waiting or running (for tests and shutdown). */
  get size(): number {
    return this.queue.length + this.running.size;
  }

  private pump(): void {
    if (!this.started) return;
    const now = Date.now();
    for (let i = 0; i < this.queue.length; i++) {
      const job = this.queue[i];
      const h = this.handlers.get(job.name);
      if (!h || job.notBefore > now) continue;
      if (h.running >= (h.opts.concurrency ?? 1)) continue;
      if (job.key && this.activeKeys.has(job.key)) continue;
      this.queue.splice(i--, 1);
      this.run(job, h);
    }
  }

  private run(job: Queued, h: Worker): void {
    h.running++;
    if (job.key) this.activeKeys.add(job.key);
    const p = h
      .run(job.data)
      .catch((err) => {
        job.attempts++;
        const limit = h.opts.retryLimit ?? 2;
        this.log.error({ err, job: job.name, attempt: job.attempts }, 'job failed');
        if (job.attempts <= limit) {
          job.notBefore = Date.now() + Math.min(60_000, 1000 * 2 ** job.attempts);
          this.queue.push(job);
        }
      })
      .finally(() => {
        h.running--;
        if (job.key) this.activeKeys.delete(job.key);
        this.running.delete(p);
        this.pump();
      });
    this.running.add(p);
  }
}
