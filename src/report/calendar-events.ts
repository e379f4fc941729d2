import chineseDays from 'chinese-days';
import type { Kysely } from 'kysely';
import { localDate } from '../time/calendar.ts';
import type { Database } from '../db/schema.ts';
import { addDays, daysOf, type Period } from './period.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

const { getDayDetail } = chineseDays;

/**
 * Calendar events that explain peaks in the volume trend (DESIGN §1 "Assess"): 两会 in early
 * March, the year end, public holidays (chinese-days), the workspace's watch periods and its
 * own named dates (an estate's opening sale, an inspection, an anniversary).
 */
export interface CalendarEvent {
  name: string;
  kind: 'national' | 'holiday' | 'watch_period' | 'named_date';
  firstDay: string;
  lastDay: string;
}

/** Fixed national moments, by month-day, repeated every year. */
const NATIONAL: { name: string; from: string; to: string }[] = [
  { name: '全国两会', from: '03-03', to: '03-15' },
  { name: '岁末年初', from: '12-15', to: '12-31' },
  { name: '岁末年初', from: '01-01', to: '01-31' },
];

function overlaps(e: { firstDay: string; lastDay: string }, first: string, last: string): boolean {
  return e.firstDay <= last && e.lastDay >= first;
}

function yearsOf(first: string, last: string): number[] {
  const out: number[] = [];
  for (let y = Number(first.slice(0, 4)); y <= Number(last.slice(0, 4)); y++) out.push(y);
  return out;
}

/** Public holidays in the range, one entry per holiday run (e.g. 国庆节 10-01..10-07). */
export function holidaysIn(first: string, last: string): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  let current: CalendarEvent | null = null;
  for (const day of daysOf({ firstDay: first, lastDay: last })) {
    let detail: { work: boolean; name: string };
    try {
      detail = getDayDetail(day);
    } catch {
      current = null;
      continue;
    }
    const parts = detail.name.split(',');
    const name = !detail.work && parts.length >= 2 ? parts[1] : null;
    if (name && current && current.name === name && current.lastDay === addDays(day, -1)) {
      current.lastDay = day;
    } else if (name) {
      current = { name, kind: 'holiday', firstDay: day, lastDay: day };
      out.push(current);
    } else current = null;
  }
  return out;
}

export async function calendarEventsFor(db: Kysely<Database>, period: Pick<Period, 'firstDay' | 'lastDay'>): Promise<CalendarEvent[]> {
  const { firstDay, lastDay } = period;
  const events: CalendarEvent[] = [];
  for (const y of yearsOf(firstDay, lastDay)) {
    for (const n of NATIONAL) events.push({ name: n.name, kind: 'national', firstDay: `${y}-${n.from}`, lastDay: `${y}-${n.to}` });
  }
  // Looked up a little beyond the period so that a holiday shows its whole span (国庆节 10-01..10-07 in a daily brief of 10-05).
  events.push(...holidaysIn(addDays(firstDay, -15), addDays(lastDay, 15)));
  const watch = await db.selectFrom('watch_periods').select(['name', 'starts_at', 'ends_at']).execute();
  for (const w of watch) events.push({ name: w.name, kind: 'watch_period', firstDay: localDate(w.starts_at), lastDay: localDate(w.ends_at) });
  const named = await db.selectFrom('named_dates').select(['name', 'starts_on', 'ends_on', 'yearly']).execute();
  for (const n of named) {
    if (!n.yearly) {
      events.push({ name: n.name, kind: 'named_date', firstDay: n.starts_on, lastDay: n.ends_on });
      continue;
    }
    const spanDays = Math.round((Date.parse(n.ends_on) - Date.parse(n.starts_on)) / 86_400_000);
    for (const y of yearsOf(addDays(firstDay, -366), lastDay)) {
      const start = `${y}${n.starts_on.slice(4)}`;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(start))) continue;
      events.push({ name: n.name, kind: 'named_date', firstDay: start, lastDay: addDays(start, spanDays) });
    }
  }
  return events.filter((e) => overlaps(e, firstDay, lastDay)).sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.name.localeCompare(b.name));
}

/** The calendar events overlapping one trend bucket (a day, or a month for long periods). */
export function eventsOverlapping(events: CalendarEvent[], first: string, last: string): string[] {
  return [...new Set(events.filter((e) => overlaps(e, first, last)).map((e) => e.name))];
}

export const calendarEventSchema = shapeOf<CalendarEvent>()({
  name: z.string(),
  kind: z.enum(['national', 'holiday', 'watch_period', 'named_date']),
  firstDay: z.string(),
  lastDay: z.string(),
});
