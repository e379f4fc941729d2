import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { z } from 'zod';
import type { Logger } from '../log.ts';

/**
 * The stall detector (issue 23): how long this process's event loop was kept from running. Every
 * request, ingest, analysis and delivery of a process shares its one loop, so a synchronous piece
 * of work (a SQLite query, a clustering pass) delays all of them by its length. Two measures:
 * - the delay histogram: a timer is due every 20 ms, and how late it runs is recorded; p50, p99
 *   and max over the last 30–60 s;
 * - stalls: a run at least `stallMs` late counts one stall of that length; counted in the window
 *   and since start, the longest kept, and one of at least `warnMs` logged as a warning (at most
 *   one warning per 10 s).
 * /api/health answers with `snapshot()`; the benchmarks read it there.
 */
export interface EventLoopFigures {
  /** The seconds the histogram figures cover (30–60). */
  windowSeconds: number;
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Stalls of at least `stallThresholdMs` within the window. */
  stalls: number;
  stallThresholdMs: number;
  /** Since the monitor started: stalls, their summed length and the longest. */
  stallsTotal: number;
  stalledMsTotal: number;
  longestStallMs: number;
  since: string;
}

export const eventLoopFiguresSchema = z.object({
  windowSeconds: z.number(),
  delayP50Ms: z.number(),
  delayP99Ms: z.number(),
  delayMaxMs: z.number(),
  stalls: z.number(),
  stallThresholdMs: z.number(),
  stallsTotal: z.number(),
  stalledMsTotal: z.number(),
  longestStallMs: z.number(),
  since: z.string(),
}) satisfies z.ZodType<EventLoopFigures>;

const TICK_MS = 20;
const HALF_WINDOW_MS = 30_000;

export class EventLoopMonitor {
  private current: RecordableHistogram = createHistogram();
  private previous: RecordableHistogram | null = null;
  private currentSince = Date.now();
  private previousSince = Date.now();
  private readonly since = new Date();
  private timer: NodeJS.Timeout | null = null;
  private expected = 0;
  private stallTimes: number[] = [];
  private stallsTotal = 0;
  private stalledMsTotal = 0;
  private longest = 0;
  private lastWarning = 0;

  constructor(private readonly opts: { stallMs?: number; warnMs?: number; log?: Logger } = {}) {}

  get stallMs(): number {
    return this.opts.stallMs ?? 100;
  }

  start(): this {
    if (this.timer) return this;
    this.expected = performance.now() + TICK_MS;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = performance.now();
    const late = Math.max(0, now - this.expected);
    this.expected = now + TICK_MS;
    // microseconds (a histogram records positive integers)
    this.current.record(Math.max(1, Math.round(late * 1000)));
    if (late >= this.stallMs) {
      const at = Date.now();
      this.stallTimes.push(at);
      this.stallsTotal++;
      this.stalledMsTotal += late;
      if (late > this.longest) this.longest = late;
      if (late >= (this.opts.warnMs ?? 1000) && at - this.lastWarning > 10_000) {
        this.lastWarning = at;
        this.opts.log?.warn({ stalledMs: Math.round(late) }, 'event loop stalled: requests, ingest and delivery of this process waited');
      }
    }
    if (Date.now() - this.currentSince >= HALF_WINDOW_MS) this.rotate();
  }

  private rotate(): void {
    this.previous = this.current;
    this.previousSince = this.currentSince;
    this.current = createHistogram();
    this.currentSince = Date.now();
  }

  snapshot(): EventLoopFigures {
    const merged = createHistogram();
    if (this.previous) merged.add(this.previous);
    merged.add(this.current);
    const from = this.previous ? this.previousSince : this.currentSince;
    const windowStart = Date.now() - 2 * HALF_WINDOW_MS;
    this.stallTimes = this.stallTimes.filter((t) => t >= Math.min(from, windowStart));
    const ms = (us: number) => (Number.isFinite(us) && merged.count > 0 ? Math.round(us / 100) / 10 : 0);
    return {
      windowSeconds: Math.round((Date.now() - from) / 1000),
      delayP50Ms: ms(merged.percentile(50)),
      delayP99Ms: ms(merged.percentile(99)),
      delayMaxMs: ms(merged.max),
      stalls: this.stallTimes.filter((t) => t >= from).length,
      stallThresholdMs: this.stallMs,
      stallsTotal: this.stallsTotal,
      stalledMsTotal: Math.round(this.stalledMsTotal),
      longestStallMs: Math.round(this.longest),
      since: this.since.toISOString(),
    };
  }
}

let shared: EventLoopMonitor | null = null;

/** The process's one monitor, started on first use (serve and worker start it; the health route reads it). */
export function processEventLoop(log?: Logger): EventLoopMonitor {
  shared ??= new EventLoopMonitor({ log }).start();
  return shared;
}
