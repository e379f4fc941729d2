import { localDate, localInstant } from '../time/calendar.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

/**
 * A reporting period in Beijing time. `start`/`end` are UTC instants (ISO strings, end
 * exclusive) so that they compare directly with stored timestamps; `firstDay`/`lastDay` are
 * the local calendar dates (inclusive) for labels and the working-day calendar.
 */
export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'custom';

export interface Period {
  kind: PeriodKind;
  /** The canonical text: 2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026, 2026-10-01..2026-10-15 */
  key: string;
  /** zh-CN label for documents, e.g. 2026年10月. */
  label: string;
  firstDay: string;
  lastDay: string;
  start: string;
  end: string;
}

export class PeriodError extends Error {}

const DAY_MS = 86_400_000;

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Monday of ISO week `week` of `year`. */
function isoWeekMonday(year: number, week: number): string {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const dow = jan4.getUTCDay() || 7;
  const monday = new Date(jan4.getTime() - (dow - 1) * DAY_MS + (week - 1) * 7 * DAY_MS);
  return monday.toISOString().slice(0, 10);
}

function isoWeeksInYear(year: number): number {
  const dec28 = new Date(Date.UTC(year, 11, 28));
  const { week } = isoWeekOf(dec28.toISOString().slice(0, 10));
  return week;
}

export function isoWeekOf(date: string): { year: number; week: number } {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = d.getUTCDay() || 7;
  const thursday = new Date(d.getTime() + (4 - dow) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return { year, week };
}

function make(kind: PeriodKind, key: string, label: string, firstDay: string, lastDay: string): Period {
  return {
    kind,
    key,
    label,
    firstDay,
    lastDay,
    start: localInstant(firstDay, 0).toISOString(),
    end: localInstant(addDays(lastDay, 1), 0).toISOString(),
  };
}

function checkYear(y: number, text: string) {
  if (y < 2000 || y > 2100) throw new PeriodError(`period "${text}": year out of range 2000-2100`);
}

/** Parses a period text; throws PeriodError with an English reason. */
export function parsePeriod(text: string): Period {
  const s = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(s))) {
    const [, a, b] = m;
    if (!validDate(a) || !validDate(b)) throw new PeriodError(`period "${s}": not a valid date range`);
    if (b < a) throw new PeriodError(`period "${s}": the range ends before it starts`);
    if (Date.parse(b) - Date.parse(a) > 3 * 366 * DAY_MS) throw new PeriodError(`period "${s}": a custom range may span at most 3 years`);
    return make('custom', s, `${a} 至 ${b}`, a, b);
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
    if (!validDate(s)) throw new PeriodError(`period "${s}": not a valid date`);
    checkYear(Number(m[1]), s);
    return make('day', s, `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`, s, s);
  }
  if ((m = /^(\d{4})-W(\d{1,2})$/i.exec(s))) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    checkYear(year, s);
    if (week < 1 || week > isoWeeksInYear(year)) throw new PeriodError(`period "${s}": ${year} has ISO weeks 1-${isoWeeksInYear(year)}`);
    const monday = isoWeekMonday(year, week);
    const key = `${year}-W${String(week).padStart(2, '0')}`;
    return make('week', key, `${year}年第${week}周（${monday} 至 ${addDays(monday, 6)}）`, monday, addDays(monday, 6));
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    checkYear(year, s);
    if (month < 1 || month > 12) throw new PeriodError(`period "${s}": month must be 01-12`);
    return make('month', s, `${year}年${month}月`, `${s}-01`, lastDayOfMonth(year, month));
  }
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(s))) {
    const year = Number(m[1]);
    const q = Number(m[2]);
    checkYear(year, s);
    const first = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
    return make('quarter', `${year}-Q${q}`, `${year}年第${q}季度`, first, lastDayOfMonth(year, q * 3));
  }
  if ((m = /^(\d{4})$/.exec(s))) {
    const year = Number(m[1]);
    checkYear(year, s);
    return make('year', s, `${year}年`, `${year}-01-01`, `${year}-12-31`);
  }
  throw new PeriodError(`period "${s}" not understood; use 2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15`);
}

/** The period of `kind` containing the local date `date`. */
export function periodContaining(kind: Exclude<PeriodKind, 'custom'>, date: string): Period {
  const [y, mo] = date.split('-').map(Number);
  switch (kind) {
    case 'day':
      return parsePeriod(date);
    case 'week': {
      const { year, week } = isoWeekOf(date);
      return parsePeriod(`${year}-W${week}`);
    }
    case 'month':
      return parsePeriod(date.slice(0, 7));
    case 'quarter':
      return parsePeriod(`${y}-Q${Math.floor((mo - 1) / 3) + 1}`);
    case 'year':
      return parsePeriod(String(y));
  }
}

/** The last complete period of `kind` before the instant `now` (what a scheduled brief covers). */
export function previousPeriod(kind: Exclude<PeriodKind, 'custom'>, now: Date | string = new Date()): Period {
  const current = periodContaining(kind, localDate(now));
  return periodContaining(kind, addDays(current.firstDay, -1));
}

/** Every local date of the period, in order. */
export function daysOf(p: Pick<Period, 'firstDay' | 'lastDay'>): string[] {
  const out: string[] = [];
  for (let d = p.firstDay; d <= p.lastDay; d = addDays(d, 1)) out.push(d);
  return out;
}

export { addDays };

export const periodSchema = shapeOf<Period>()({
  kind: z.enum(['day', 'week', 'month', 'quarter', 'year', 'custom']),
  key: z.string().describe('2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026, 2026-10-01..2026-10-15'),
  label: z.string().describe('zh-CN, e.g. 2026年10月'),
  firstDay: z.string(),
  lastDay: z.string(),
  start: z.string(),
  end: z.string(),
});
