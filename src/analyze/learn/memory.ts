import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { t } from '../../i18n/index.ts';
import { localDateTime } from '../../time/format.ts';
import { fmix } from '../text/mix.ts';
import { normalize } from '../text/normalize.ts';
import type { AppealLabel, EmotionLabel, SentimentLabel } from '../vocabulary.ts';

/**
 * What people taught, remembered text by text, so that a correction takes effect at once
 * (issue 17): a post whose text is the same as a labelled text (spaces, punctuation and letter
 * case aside) gets the label, and so does a near-duplicate of a corrected post (a SimHash of its
 * characters at most NEAR_BITS apart), whatever the models have learned so far. The latest label
 * of each field wins. Every adoption names the label it follows, who gave it and when.
 */
export type MemoryField = 'sentiment' | 'appeal' | 'emotion' | 'topic' | 'department';
export const MEMORY_FIELDS: readonly MemoryField[] = ['sentiment', 'appeal', 'emotion', 'topic', 'department'];

export interface Remembered {
  sentiment?: SentimentLabel;
  appeal?: AppealLabel;
  emotion?: EmotionLabel;
  topic?: string;
  department?: string;
  /** Per field: the reason shown when the label is adopted (who gave it, when). */
  reasons: Partial<Record<MemoryField, string>>;
}

export interface MemoryHit {
  labels: Remembered;
  /** Whether the text is the same as the labelled one, or a near-duplicate of a corrected post. */
  exact: boolean;
}

/** A corrected post's near-duplicates differ in at most this many of the 64 SimHash bits. */
export const NEAR_BITS = 6;
/** …and texts shorter than NEAR_LONG characters in at most SHORT_NEAR_BITS (one other name in a short text moves few bits). */
export const SHORT_NEAR_BITS = 3;
export const NEAR_LONG = 40;
/** Texts shorter than this (after spaces and punctuation) are matched exactly only: too short for similarity. */
export const MIN_NEAR_CHARS = 12;

function isSkipped(c: number): boolean {
  // whitespace, ASCII punctuation and symbols, CJK and full-width punctuation
  return c <= 0x20 || (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) || (c >= 0x2010 && c <= 0x206f) || c === 0xa0 || c === 0xfeff;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/**
 * The fingerprint of a normalised text (normalizePost): two 32-bit FNV-1a hashes of its
 * characters without spaces and punctuation, lower-cased, as 16 hex digits.
 */
export function textFingerprint(normalized: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (isSkipped(c)) continue;
    const x = lower(c);
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x01000193) ^ (b >>> 15);
  }
  return (fmix(a) >>> 0).toString(16).padStart(8, '0') + (fmix(b ^ 0x27d4eb2f) >>> 0).toString(16).padStart(8, '0');
}

const counts = new Int32Array(64);

/**
 * A 64-bit SimHash of a normalised text's character bigrams (spaces and punctuation left out), as
 * two 32-bit halves; null for a text too short to compare.
 */
export function textSimhash(normalized: string): [number, number] | null {
  counts.fill(0);
  let prev = -1;
  let chars = 0;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (isSkipped(c)) continue;
    const x = lower(c);
    chars++;
    if (prev >= 0) {
      const h1 = fmix(Math.imul(prev, 0x9e3779b1) ^ x);
      const h2 = fmix(h1 ^ 0x5bd1e995);
      for (let bit = 0; bit < 32; bit++) {
        counts[bit] += (h1 >>> bit) & 1 ? 1 : -1;
        counts[bit + 32] += (h2 >>> bit) & 1 ? 1 : -1;
      }
    }
    prev = x;
  }
  if (chars < MIN_NEAR_CHARS) return null;
  let lo = 0;
  let hi = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (counts[bit] > 0) lo |= 1 << bit;
    if (counts[bit + 32] > 0) hi |= 1 << bit;
  }
  return [lo >>> 0, hi >>> 0];
}

export function simhashText(h: [number, number]): string {
  return h[1].toString(16).padStart(8, '0') + h[0].toString(16).padStart(8, '0');
}

function parseSimhashText(s: string): [number, number] | null {
  if (!/^[0-9a-f]{16}$/.test(s)) return null;
  return [parseInt(s.slice(8), 16) >>> 0, parseInt(s.slice(0, 8), 16) >>> 0];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** One stored label as the memory reads it. */
export interface LabelRecord {
  fingerprint: string;
  simhash: string | null;
  /** Whether the label corrects a stored post (only corrections reach near-duplicates). */
  correction: boolean;
  sentiment?: string | null;
  appeal?: string | null;
  emotion?: string | null;
  topic?: string | null;
  department?: string | null;
  /** Who gave it (display name) and when (ISO), for the reason. */
  by: string | null;
  at: string;
}

interface NearEntry {
  lo: number;
  hi: number;
  labels: Remembered;
}

const REASON = {
  exact: (who: string, when: string) => t('signal.memory.exact', { who, when }),
  near: (who: string, when: string) => t('signal.memory.near', { who, when }),
};

export class CorrectionMemory {
  private readonly exact = new Map<string, Remembered>();
  private readonly near: NearEntry[] = [];

  /** Records in the order they were given (the latest of each field wins). */
  constructor(records: readonly LabelRecord[] = []) {
    const nearByPrint = new Map<string, NearEntry>();
    for (const r of records) {
      const who = r.by ?? t('signal.memory.someone');
      const when = localDateTime(r.at);
      let entry = this.exact.get(r.fingerprint);
      if (!entry) this.exact.set(r.fingerprint, (entry = { reasons: {} }));
      const exactReason = REASON.exact(who, when);
      const nearReason = REASON.near(who, when);
      const set = (target: Remembered, reason: string) => {
        for (const f of MEMORY_FIELDS) {
          const v = r[f];
          if (!v) continue;
          (target as unknown as Record<string, unknown>)[f] = v;
          target.reasons[f] = reason;
        }
      };
      set(entry, exactReason);
      if (!r.correction || !r.simhash) continue;
      const h = parseSimhashText(r.simhash);
      if (!h) continue;
      let n = nearByPrint.get(r.fingerprint);
      if (!n) {
        n = { lo: h[0], hi: h[1], labels: { reasons: {} } };
        nearByPrint.set(r.fingerprint, n);
        this.near.push(n);
      }
      set(n.labels, nearReason);
    }
  }

  get size(): number {
    return this.exact.size;
  }

  get corrections(): number {
    return this.near.length;
  }

  /** The labels a normalised text gets from what people taught, or null. */
  lookup(normalized: string): MemoryHit | null {
    if (this.exact.size === 0) return null;
    const hit = this.exact.get(textFingerprint(normalized));
    if (hit) return { labels: hit, exact: true };
    if (this.near.length === 0) return null;
    const h = textSimhash(normalized);
    if (!h) return null;
    let best: NearEntry | null = null;
    let bestBits = (contentLength(normalized) >= NEAR_LONG ? NEAR_BITS : SHORT_NEAR_BITS) + 1;
    // corrections are few (people make them one by one): a scan of all is cheaper than an index
    for (const e of this.near) {
      const d = popcount((e.lo ^ h[0]) >>> 0) + popcount((e.hi ^ h[1]) >>> 0);
      if (d < bestBits) {
        best = e;
        bestBits = d;
      }
    }
    return best ? { labels: best.labels, exact: false } : null;
  }
}

/** Characters of a normalised text without spaces and punctuation. */
export function contentLength(normalized: string): number {
  let n = 0;
  for (let i = 0; i < normalized.length; i++) if (!isSkipped(normalized.charCodeAt(i))) n++;
  return n;
}

function simhashOrNull(normalized: string): string | null {
  const h = textSimhash(normalized);
  return h ? simhashText(h) : null;
}

/** The memory of a workspace: every label with a fingerprint, oldest first. */
export async function loadMemory(db: Kysely<Database>): Promise<CorrectionMemory> {
  const rows = await db
    .selectFrom('labels')
    .leftJoin('users', 'users.id', 'labels.created_by')
    .select(['labels.fingerprint', 'labels.simhash', 'labels.text', 'labels.post_id', 'labels.sentiment', 'labels.appeal', 'labels.emotion', 'labels.topic', 'labels.department', 'labels.created_at', 'users.display_name'])
    .orderBy('labels.id')
    .execute();
  return new CorrectionMemory(
    rows.map((r) => ({
      // labels stored before 015 have no fingerprint: their text is title and text joined as normalizePost joins them
      fingerprint: r.fingerprint ?? textFingerprint(normalize(r.text)),
      simhash: r.simhash ?? (r.post_id !== null ? simhashOrNull(normalize(r.text)) : null),
      correction: r.post_id !== null,
      sentiment: r.sentiment,
      appeal: r.appeal,
      emotion: r.emotion,
      topic: r.topic,
      department: r.department,
      by: r.display_name,
      at: r.created_at,
    })),
  );
}
