import { normalize } from '../analyze/text/normalize.ts';
import { wallClock } from '../time/zone.ts';

/**
 * How a reply recorded in Minsheng is recognised on the thread where it was posted
 * (verify.ts): by its text, and by its time at the precision the site shows.
 */

/** Normalised text without spaces and punctuation: what survives a forum's re-rendering. */
function letters(text: string): string {
  return normalize(text)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  const chars = [...s];
  if (chars.length === 1) out.add(chars[0]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

/**
 * How much of our text appears in what the site shows: the share of the response's character
 * pairs (after normalising width, script, case, spaces and punctuation) found in the reply.
 * 1 for the same text however the forum re-wrapped it, or with a quote or signature added around
 * it. Text alone does not tell formulaic answers apart: on 600 real government replies
 * (bench/verify-match.ts) the most similar *other* reply scores 0.28 at the median but ≥ 0.6 for
 * 7% (identical stock answers exist), which is why a match also needs the thread, an allowed
 * account and the time window, and a reply is never claimed twice.
 */
export function textSimilarity(ours: string, theirs: string): number {
  return shareFound(textPairs(ours), textPairs(theirs));
}

/** The character pairs `textSimilarity` compares (computed once when one text meets many). */
export function textPairs(text: string): Set<string> {
  return bigrams(letters(text));
}

/** The share of `ours` pairs found in `theirs`. */
export function shareFound(ours: Set<string>, theirs: Set<string>): number {
  if (ours.size === 0) return 0;
  let shared = 0;
  for (const g of ours) if (theirs.has(g)) shared++;
  return shared / ours.size;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The precision of a time the site showed, in milliseconds: a time that is local midnight came
 * from a date alone (a day), one on a whole minute from "2026-10-05 14:30" (a minute); anything
 * else was given to the second. A time that is really on a whole minute by chance only widens
 * the window by under a minute.
 */
export function shownPrecision(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return 1000;
  const local = wallClock(ms);
  if (local.getUTCSeconds() !== 0 || local.getUTCMilliseconds() !== 0) return 1000;
  if (local.getUTCHours() === 0 && local.getUTCMinutes() === 0) return DAY;
  return MINUTE;
}

/**
 * Whether a reply the site shows at `shownAt` can be the one recorded as posted at `postedAt`: the
 * span the shown time stands for ([shownAt, shownAt + precision)) reaches past `beforeMs` before
 * the recorded time (people post on the forum first and record afterwards). Later is always
 * possible (a reply held for moderation, a site clock ahead of ours); the verification round stops
 * looking after a month.
 */
export function withinWindow(shownAt: string, postedAt: string, beforeMs: number): boolean {
  const start = Date.parse(shownAt);
  const end = start + shownPrecision(shownAt);
  return end > Date.parse(postedAt) - beforeMs;
}

/**
 * How far a reply the site shows at `shownAt` is from the recorded time, at the site's precision:
 * 0 when the span the shown time stands for contains it. When several replies match, the closest
 * is the one recorded (the same stock answer posted twice on a thread).
 */
export function timeDistance(shownAt: string, postedAt: string): number {
  const start = Date.parse(shownAt);
  const end = start + shownPrecision(shownAt);
  const at = Date.parse(postedAt);
  if (at >= start && at < end) return 0;
  return at < start ? start - at : at - end + 1;
}

/** A URL as two records of the same page compare: without fragment, default port, trailing slash or letter case of the host. */
export function sameUrl(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return canonicalUrl(a) === canonicalUrl(b);
}

export function canonicalUrl(u: string): string {
  try {
    const url = new URL(u.trim());
    url.hash = '';
    const params = [...url.searchParams.entries()].filter(([k]) => !/^(extra|page|utm_\w+|from)$/i.test(k)).sort(([x], [y]) => x.localeCompare(y));
    const search = params.length ? `?${params.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
    return `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}${search}`;
  } catch {
    return u.trim();
  }
}
