import { localDate } from '../time/calendar.ts';
import { eventsOverlapping, type CalendarEvent } from './calendar-events.ts';
import { addDays, daysOf, type Period } from './period.ts';
import { fromLocalIso, wallClock } from '../time/zone.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

/** One point of the volume trend: an hour (daily brief), a day, or a month (long periods). */
export interface TrendBucket {
  key: string;
  label: string;
  count: number;
  negative: number;
  peak: boolean;
  /** Calendar events overlapping the bucket (shown beside a peak as its likely cause). */
  events: string[];
}


export function granularityOf(period: Pick<Period, 'firstDay' | 'lastDay'>): 'hour' | 'day' | 'month' {
  if (period.firstDay === period.lastDay) return 'hour';
  return daysOf(period).length <= 62 ? 'day' : 'month';
}

function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

type Granularity = 'hour' | 'day' | 'month';

/** The period's buckets, all empty, in order. */
function emptyBuckets(period: Period, calendar: CalendarEvent[], granularity: Granularity): Map<string, TrendBucket> {
  const buckets = new Map<string, TrendBucket>();
  if (granularity === 'hour') {
    const names = eventsOverlapping(calendar, period.firstDay, period.lastDay);
    for (let h = 0; h < 24; h++) {
      const key = `${period.firstDay}T${String(h).padStart(2, '0')}`;
      buckets.set(key, { key, label: `${h}时`, count: 0, negative: 0, peak: false, events: names });
    }
  } else if (granularity === 'day') {
    for (const d of daysOf(period)) {
      buckets.set(d, { key: d, label: `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`, count: 0, negative: 0, peak: false, events: eventsOverlapping(calendar, d, d) });
    }
  } else {
    for (let d = period.firstDay; d <= period.lastDay; d = addDays(lastDayOfMonth(d.slice(0, 7)), 1)) {
      const month = d.slice(0, 7);
      const last = lastDayOfMonth(month) < period.lastDay ? lastDayOfMonth(month) : period.lastDay;
      buckets.set(month, { key: month, label: `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`, count: 0, negative: 0, peak: false, events: eventsOverlapping(calendar, d, last) });
    }
  }
  return buckets;
}

function keyOf(at: string, granularity: Granularity): string {
  const local = wallClock(at).toISOString();
  return granularity === 'hour' ? local.slice(0, 13) : granularity === 'day' ? localDate(at) : local.slice(0, 7);
}

export function trendBuckets(
  period: Period,
  posts: { at: string; sentiment_label: string | null }[],
  calendar: CalendarEvent[],
): { granularity: Granularity; buckets: TrendBucket[] } {
  const granularity = granularityOf(period);
  const buckets = emptyBuckets(period, calendar, granularity);
  for (const p of posts) {
    const b = buckets.get(keyOf(p.at, granularity));
    if (!b) continue;
    b.count++;
    if (p.sentiment_label === 'negative') b.negative++;
  }
  return { granularity, buckets: [...buckets.values()] };
}

/** A bucket's span as UTC instants (`start` inclusive, `end` exclusive), for counting in SQL. */
export interface BucketRange {
  key: string;
  start: string;
  end: string;
}

/** The UTC range of each bucket of the period, in order; together they cover the period exactly. */
export function trendRanges(period: Period): BucketRange[] {
  const granularity = granularityOf(period);
  const keys = [...emptyBuckets(period, [], granularity).keys()];
  const starts = keys.map((key, i) => {
    if (i === 0) return period.start;
    const local = granularity === 'hour' ? `${key}:00:00` : granularity === 'day' ? `${key}T00:00:00` : `${key}-01T00:00:00`;
    return fromLocalIso(local).toISOString();
  });
  return keys.map((key, i) => ({ key, start: starts[i], end: i + 1 < starts.length ? starts[i + 1] : period.end }));
}

/** The buckets from counts already made per bucket key (by the database over `trendRanges`). */
export function trendFromCounts(
  period: Period,
  counts: Map<string, { count: number; negative: number }>,
  calendar: CalendarEvent[],
): { granularity: Granularity; buckets: TrendBucket[] } {
  const granularity = granularityOf(period);
  const buckets = emptyBuckets(period, calendar, granularity);
  for (const [key, c] of counts) {
    const b = buckets.get(key);
    if (!b) continue;
    b.count += c.count;
    b.negative += c.negative;
  }
  return { granularity, buckets: [...buckets.values()] };
}

/** Counts per Beijing day (the daily roll-up) summed into the period's day or month buckets. */
export function bucketCountsOfDays(period: Period, days: Map<string, { count: number; negative: number }>): Map<string, { count: number; negative: number }> {
  const granularity = granularityOf(period);
  if (granularity === 'hour') throw new Error('hourly buckets cannot be made from daily counts');
  const out = new Map<string, { count: number; negative: number }>();
  for (const [day, c] of days) {
    if (day < period.firstDay || day > period.lastDay) continue;
    const key = granularity === 'day' ? day : day.slice(0, 7);
    const b = out.get(key) ?? { count: 0, negative: 0 };
    b.count += c.count;
    b.negative += c.negative;
    out.set(key, b);
  }
  return out;
}

/**
 * Peaks: buckets at a local maximum that stand well above the typical bucket (1.5× the median
 * and one standard deviation above the mean), with at least 3 posts. Marks them in place.
 */
export function findPeaks(buckets: TrendBucket[]): TrendBucket[] {
  const counts = buckets.map((b) => b.count);
  if (counts.length < 3) return [];
  const sorted = [...counts].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
  const sd = Math.sqrt(counts.reduce((s, c) => s + (c - mean) ** 2, 0) / counts.length);
  const bar = Math.max(3, 1.5 * median, mean + sd);
  const peaks: TrendBucket[] = [];
  buckets.forEach((b, i) => {
    const left = i > 0 ? counts[i - 1] : -1;
    const right = i < counts.length - 1 ? counts[i + 1] : -1;
    if (b.count >= bar && b.count >= left && b.count > right) {
      b.peak = true;
      peaks.push(b);
    }
  });
  return peaks;
}

export const trendBucketSchema = shapeOf<TrendBucket>()({
  key: z.string(),
  label: z.string(),
  count: z.number(),
  negative: z.number(),
  peak: z.boolean(),
  events: z.array(z.string()).describe('calendar events overlapping the bucket'),
});
