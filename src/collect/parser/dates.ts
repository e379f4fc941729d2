/**
 * Dates as Chinese sites write them: ISO and RFC 822, "2024-1-2 10:05", "2024年1月2日 10:05",
 * "01-02 10:05" (this year), and relative forms ("刚刚", "3 小时前", "昨天 14:05", "前天").
 * Times without a zone are read on the workspace's wall clock (Asia/Shanghai by default).
 * `parseDate` returns an ISO-8601 UTC string or null; `parseDateDetail` also says how precise
 * the text was (a date alone is a day, "3 小时前" an hour), which the post keeps
 * (`posts.published_precision`) so that a date-only time is never counted in an hour.
 */
import type { PublishedPrecision } from '../vocabulary.ts';
import { fromWallClock, wallClock } from '../../time/zone.ts';

export interface ParsedDate {
  iso: string;
  precision: PublishedPrecision;
}

/** Wall-clock parts in Beijing time for `now`. */
function beijingParts(now: Date) {
  const d = wallClock(now);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

const fromBeijing = fromWallClock;

function dayShift(now: Date, days: number, hh = 0, mm = 0, ss = 0): Date | null {
  const p = beijingParts(new Date(now.getTime() - days * 86400000));
  return fromBeijing(p.y, p.m, p.d, hh, mm, ss);
}

const UNIT_MS: Record<string, number> = {
  秒: 1000,
  秒钟: 1000,
  分: 60000,
  分钟: 60000,
  小时: 3600000,
  个小时: 3600000,
  钟头: 3600000,
  个钟头: 3600000,
  天: 86400000,
  日: 86400000,
  周: 7 * 86400000,
  星期: 7 * 86400000,
  个星期: 7 * 86400000,
  月: 30 * 86400000,
  个月: 30 * 86400000,
  年: 365 * 86400000,
};

const CN_DIGITS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 半: 0.5 };

function time(rest: string): [number, number, number] {
  const m = /(\d{1,2})[:：点](\d{1,2})?(?:[:：分](\d{1,2}))?/.exec(rest);
  if (!m) return [0, 0, 0];
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function parseDate(input: string | number | null | undefined, now: Date = new Date()): string | null {
  return parseDateDetail(input, now)?.iso ?? null;
}

/** The finer of two parsed times (the thread page's exact time over the list's date); on a tie, `preferred`. */
export function finerDate(preferred: ParsedDate | null, other: ParsedDate | null): ParsedDate | null {
  if (!preferred) return other;
  if (!other) return preferred;
  return PRECISION_RANK[other.precision] > PRECISION_RANK[preferred.precision] ? other : preferred;
}

const PRECISION_RANK: Record<PublishedPrecision, number> = { day: 0, hour: 1, minute: 2, second: 3 };

const at = (iso: string | null | undefined, precision: PublishedPrecision): ParsedDate | null => (iso ? { iso, precision } : null);

/** A date as a site writes it, with how precise the text was; null when it cannot be read. */
export function parseDateDetail(input: string | number | null | undefined, now: Date = new Date()): ParsedDate | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'number') return at(fromEpoch(input), 'second');
  const s = input.replace(/\s+/g, ' ').replace(/^(发表于|发布于|发布时间[:：]?|时间[:：]?|更新于|留言时间[:：]?|回复时间[:：]?)\s*/, '').trim();
  if (!s) return null;
  if (/^\d{10}(\d{3})?$/.test(s)) return at(fromEpoch(Number(s)), 'second');

  if (/^(刚刚|刚才|just now)$/i.test(s)) return at(now.toISOString(), 'minute');
  const rel = /^(\d+|[一两二三四五六七八九十半])\s*(秒钟?|分钟?|个?小时|个?钟头|天|日|个?星期|周|个?月|年)\s*(前|以前|之前)$/.exec(s);
  if (rel) {
    const n = /\d/.test(rel[1]) ? Number(rel[1]) : CN_DIGITS[rel[1]];
    const unit = UNIT_MS[rel[2]];
    if (unit) return at(new Date(now.getTime() - n * unit).toISOString(), unit < 3600000 ? 'minute' : unit < 86400000 ? 'hour' : 'day');
  }
  if (/^半小时前$/.test(s)) return at(new Date(now.getTime() - 1800000).toISOString(), 'hour');
  const day = /^(今天|昨天|前天|大前天)\s*(.*)$/.exec(s);
  if (day) {
    const shift = { 今天: 0, 昨天: 1, 前天: 2, 大前天: 3 }[day[1] as '今天'];
    return at(dayShift(now, shift, ...time(day[2]))?.toISOString(), timePrecision(day[2]));
  }

  // 2024-01-02 10:05[:06], 2024/1/2, 2024.1.2, 2024年1月2日 10时05分
  const full = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]*(\d{1,2})[:：时点](\d{1,2})(?:[:：分](\d{1,2}))?)?\s*(?:分|秒)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (full) {
    const [, y, mo, d, hh, mm, ss, zone] = full;
    if (zone) {
      const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${(hh ?? '0').padStart(2, '0')}:${(mm ?? '0').padStart(2, '0')}:${(ss ?? '0').padStart(2, '0')}${zone === 'Z' ? 'Z' : zone.replace(/(\d{2})(\d{2})$/, '$1:$2')}`;
      const t = Date.parse(iso);
      return Number.isNaN(t) ? null : at(new Date(t).toISOString(), hh === undefined ? 'day' : ss === undefined ? 'minute' : 'second');
    }
    return at(fromBeijing(Number(y), Number(mo), Number(d), Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0))?.toISOString(), hh === undefined ? 'day' : ss === undefined ? 'minute' : 'second');
  }
  // 01-02 10:05 or 1月2日 10:05: this year, or last year if that would be in the future
  const short = /^(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：](\d{1,2})(?::(\d{1,2}))?)?$/.exec(s);
  if (short) {
    const { y } = beijingParts(now);
    const [, mo, d, hh, mm, ss] = short;
    let date = fromBeijing(y, Number(mo), Number(d), Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0));
    if (date && date.getTime() > now.getTime() + 86400000) date = fromBeijing(y - 1, Number(mo), Number(d), Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0));
    return at(date?.toISOString(), hh === undefined ? 'day' : ss === undefined ? 'minute' : 'second');
  }
  // ISO with zone, RFC 822 ("Mon, 02 Jan 2006 15:04:05 +0800"), and other forms Date knows.
  if (/[a-z]/i.test(s) || /T\d/.test(s)) {
    const t = Date.parse(s.replace(/\bCST\b/, '+0800'));
    if (!Number.isNaN(t)) return at(new Date(t).toISOString(), /\d:\d{2}:\d{2}/.test(s) ? 'second' : /\d:\d{2}/.test(s) ? 'minute' : 'day');
  }
  return null;
}

/** How precise the time of day after 今天/昨天 is: none given is a day. */
function timePrecision(rest: string): PublishedPrecision {
  const m = /(\d{1,2})[:：点](\d{1,2})?(?:[:：分](\d{1,2}))?/.exec(rest);
  if (!m) return 'day';
  return m[3] !== undefined ? 'second' : m[2] !== undefined ? 'minute' : 'hour';
}

function fromEpoch(n: number): string | null {
  const ms = n < 1e12 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
