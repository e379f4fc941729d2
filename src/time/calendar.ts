import chineseDays from 'chinese-days';
import { fromWallClock, wallClock } from './zone.ts';

const { getDayDetail, isWorkday } = chineseDays;

/**
 * The Chinese working-day calendar (with 调休 make-up workdays, from chinese-days), its days and
 * office hours read on the workspace's wall clock (zone.ts; China Standard Time by default).
 * Deadlines in working days end at the close of office hours; the emergency clocks
 * (5 h, 24 h, 48 h) run in plain hours and do not use this module.
 */

export interface OfficeHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { start: 8 * 60 + 30, end: 17 * 60 + 30 };

/** The workspace-zone calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date | string): string {
  return wallClock(at).toISOString().slice(0, 10);
}

/** Minutes since local midnight. */
function localMinutes(at: Date | string): number {
  const d = wallClock(at);
  return d.getUTCHours() * 60 + d.getUTCMinutes() + d.getUTCSeconds() / 60;
}

/** The instant of a local date + minutes. */
export function localInstant(date: string, minutes: number): Date {
  const whole = Math.floor(minutes);
  const [y, m, d] = nextDate(date, Math.floor(whole / 1440)).split('-').map(Number);
  const inDay = whole - Math.floor(whole / 1440) * 1440;
  const at = fromWallClock(y, m, d, Math.floor(inDay / 60), inDay % 60);
  if (!at) throw new Error(`not a date: ${date}`);
  return new Date(at.getTime() + (minutes - whole) * 60_000);
}

function nextDate(date: string, delta = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + delta);
  return d.toISOString().slice(0, 10);
}

export function isWorkingDay(date: string): boolean {
  return isWorkday(date);
}

/** The holiday or make-up-day name of a date, if any (e.g. "National Day,国庆节,3"). */
export function dayName(date: string): string | null {
  const d = getDayDetail(date);
  return /,/.test(d.name) ? d.name : null;
}

/** The first working day on or after `date`. */
export function nextWorkingDay(date: string): string {
  let d = date;
  for (let i = 0; i < 60 && !isWorkingDay(d); i++) d = nextDate(d);
  return d;
}

/**
 * The deadline `n` working days after an instant: close of business of the n-th working day
 * counted from the day the item was found. n = 0 means the same working day; an item found
 * after closing time or on a rest day counts from the next working day.
 */
export function addWorkingDays(from: Date | string, n: number, hours: OfficeHours = DEFAULT_OFFICE_HOURS): Date {
  let day = localDate(from);
  if (!isWorkingDay(day) || localMinutes(from) >= hours.end) day = nextWorkingDay(nextDate(day));
  for (let i = 0; i < n; i++) day = nextWorkingDay(nextDate(day));
  return localInstant(day, hours.end);
}

/** Plain-hour deadline for the emergency clocks. */
export function addHours(from: Date | string, h: number): Date {
  return new Date(new Date(from).getTime() + h * 3_600_000);
}

/** Working hours (office hours on working days) elapsed between two instants. */
export function workingHoursBetween(start: Date | string, end: Date | string, hours: OfficeHours = DEFAULT_OFFICE_HOURS): number {
  const s = new Date(start).getTime();
  const e = new Date(end).getTime();
  if (e <= s) return 0;
  let total = 0;
  let day = localDate(start);
  const last = localDate(end);
  for (let guard = 0; day <= last && guard < 3700; guard++, day = nextDate(day)) {
    if (!isWorkingDay(day)) continue;
    const open = localInstant(day, hours.start).getTime();
    const close = localInstant(day, hours.end).getTime();
    const from = Math.max(open, s);
    const to = Math.min(close, e);
    if (to > from) total += to - from;
  }
  return total / 3_600_000;
}

/** Working days in a local date range, inclusive. */
export function workingDaysBetween(fromDate: string, toDate: string): number {
  let n = 0;
  for (let d = fromDate, guard = 0; d <= toDate && guard < 3700; d = nextDate(d), guard++) if (isWorkingDay(d)) n++;
  return n;
}
