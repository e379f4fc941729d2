import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { num } from '../../db/values.ts';
import type { BurstFinding } from './score.ts';

/**
 * Burst detection (突发): the posts of the last hour compared with the hourly average of the
 * twelve hours before. A burst needs at least `minCount` posts in the last hour and a rate at
 * least `factor` times the baseline (a baseline below `floor` per hour counts as `floor`, so a
 * quiet topic needs a real surge, not two posts).
 */
export interface BurstOptions {
  minCount: number;
  factor: number;
  floor: number;
}

export const DEFAULT_BURST: BurstOptions = { minCount: 5, factor: 3, floor: 0.5 };

const HOUR = 3600_000;

export function isBurst(last: number, previous12: number, o: BurstOptions = DEFAULT_BURST): boolean {
  const baseline = previous12 / 12;
  return last >= o.minCount && last >= o.factor * Math.max(baseline, o.floor);
}

export function finding(scope: 'event' | 'topic', last: number, previous12: number, topic?: string | null): BurstFinding {
  return { scope, topic: topic ?? null, last, baseline: previous12 / 12 };
}

/**
 * Stream mode: timestamps per key (event or topic) for the last 13 hours, kept sorted; memory is
 * bounded by the window, not by the stream.
 */
export class BurstTracker {
  private readonly series = new Map<string, number[]>();
  private maxSeen = 0;
  private observed = 0;

  constructor(private readonly options: BurstOptions = DEFAULT_BURST) {}

  /** Records one post at `at` (ms) under `key` and returns the counts around it. */
  observe(key: string, at: number): { last: number; previous: number; burst: boolean } {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = []));
    let i = s.length;
    while (i > 0 && s[i - 1] > at) i--;
    s.splice(i, 0, at);
    if (at > this.maxSeen) this.maxSeen = at;
    if (++this.observed % 2000 === 0) this.prune();
    // the series is sorted: the counts are differences of three positions found by bisection
    const upTo = upperBound(s, at);
    const hourAgo = upperBound(s, at - HOUR, upTo);
    const last = upTo - hourAgo;
    const previous = hourAgo - upperBound(s, at - 13 * HOUR, hourAgo);
    return { last, previous, burst: isBurst(last, previous, this.options) };
  }

  private prune(): void {
    const cutoff = this.maxSeen - 13 * HOUR;
    for (const [key, s] of this.series) {
      let k = 0;
      while (k < s.length && s[k] < cutoff) k++;
      if (k === s.length) this.series.delete(key);
      else if (k) s.splice(0, k);
    }
  }

  get size(): number {
    return this.series.size;
  }
}

/** The number of values in sorted `s[0, end)` that are at most `x`. */
function upperBound(s: readonly number[], x: number, end = s.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isoMinus(at: string, ms: number): string {
  return new Date(Date.parse(at) - ms).toISOString();
}

/**
 * Stored posts: counts of the event's (or topic's) other posts in the last hour and the twelve
 * before, by publication time (fetch time when unknown), plus the post being analysed.
 */
export async function storedCounts(db: Kysely<Database>, by: { eventId: number } | { topic: string }, at: string, exceptPostId: number): Promise<{ last: number; previous: number }> {
  const row = await storedCountsQuery(db, by, at, exceptPostId).executeTakeFirst();
  return { last: num(row?.last ?? 0) + 1, previous: num(row?.previous ?? 0) };
}

/** The count behind `storedCounts`: a range of the (topic, time) or (event, time) index (migration 018). */
export function storedCountsQuery(db: Kysely<Database>, by: { eventId: number } | { topic: string }, at: string, exceptPostId: number) {
  const time = sql<string>`coalesce(posts.published_at, posts.fetched_at)`;
  const hourAgo = isoMinus(at, HOUR);
  const start = isoMinus(at, 13 * HOUR);
  const q = db
    .selectFrom('posts')
    .select([
      sql<number>`sum(case when ${time} > ${hourAgo} then 1 else 0 end)`.as('last'),
      sql<number>`sum(case when ${time} <= ${hourAgo} then 1 else 0 end)`.as('previous'),
    ])
    .where('posts.id', '!=', exceptPostId)
    .where(time, '>', start)
    .where(time, '<=', at);
  return 'eventId' in by ? q.where('posts.event_id', '=', by.eventId) : q.where('posts.topic', '=', by.topic);
}
