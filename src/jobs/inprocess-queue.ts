import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { JobData, JobHandler, JobOptions, JobQueue, SendOptions } from './queue.ts';

interface Queued {
  id: string;
  name: string;
  data: JobData;
  key?: string;
  attempts: number;
  notBefore: number;
}

/**
 * The embedded queue: jobs live in memory and run in this process. Nothing is lost by
 * keeping them in memory because every job is re-derived from the database by the periodic
 * planners (due sources, unanalysed posts, pending alerts) after a restart.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'inprocess' as const;
  private handlers = new Map<string, { handler: JobHandler; opts: JobOptions; running: number }>();
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

  async send(name: string, data: JobData, opts: SendOptions = {}): Promise<string | null> {
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

  async work(name: string, handler: JobHandler, opts: JobOptions = {}): Promise<void> {
    this.handlers.set(name, { handler, opts, running: 0 });
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

  private run(job: Queued, h: { handler: JobHandler; opts: JobOptions; running: number }): void {
    h.running++;
    if (job.key) this.activeKeys.add(job.key);
    const p = h
      .handler(job.data)
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
