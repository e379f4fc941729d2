import { createHash } from 'node:crypto';

/**
 * 64-bit SimHash over character shingles (default 2-grams of the text with punctuation and
 * spaces removed). Chinese has no spaces, so character bigrams are a robust default; callers
 * may pass word tokens instead. Near-duplicate texts differ in a few bits.
 *
 * Each feature's 64 bits are the first 8 bytes of its MD5 (the stored hashes depend on it, so
 * it stays). Computing an MD5 per feature was most of the cost of storing a post, so the halves
 * are remembered per feature in a bounded table: a language's bigrams repeat (Zipf), and a hit
 * costs one map lookup instead of a digest.
 */
export function simhash(textOrTokens: string | string[], shingle = 2): bigint {
  const features = typeof textOrTokens === 'string' ? charShingles(textOrTokens, shingle) : textOrTokens;
  if (features.length === 0) return 0n;
  const weights = new Int32Array(64);
  const counts = new Map<string, number>();
  for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
  for (const [f, w] of counts) {
    const slot = featureSlot(f);
    const lo = halves[slot * 2];
    const hi = halves[slot * 2 + 1];
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] += (lo >>> bit) & 1 ? w : -w;
      weights[bit + 32] += (hi >>> bit) & 1 ? w : -w;
    }
  }
  // Assembled from two 32-bit halves: BigInt shifts per bit are slow.
  let lo = 0;
  let hi = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit] > 0) lo |= 1 << bit;
    if (weights[bit + 32] > 0) hi |= 1 << bit;
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Features whose MD5 halves are remembered; the table starts afresh when full. */
const FEATURE_CACHE = 1 << 18;
const slots = new Map<string, number>();
let halves = new Uint32Array(1024);

function featureSlot(f: string): number {
  const known = slots.get(f);
  if (known !== undefined) return known;
  if (slots.size >= FEATURE_CACHE) slots.clear();
  const slot = slots.size;
  if (slot * 2 + 2 > halves.length) {
    const grown = new Uint32Array(Math.min(FEATURE_CACHE * 2, halves.length * 2));
    grown.set(halves.subarray(0, grown.length));
    halves = grown;
  }
  const h = createHash('md5').update(f).digest();
  halves[slot * 2] = h.readUInt32BE(4);
  halves[slot * 2 + 1] = h.readUInt32BE(0);
  slots.set(f, slot);
  return slot;
}

const SKIP = /[\s\p{P}\p{S}]+/gu;

export function charShingles(text: string, n = 2): string[] {
  const clean = text.replace(SKIP, '');
  // Code points (a character outside the BMP is two UTF-16 units and stays one character).
  const chars: string[] = [];
  for (const ch of clean) chars.push(ch);
  if (chars.length <= n) return chars.length ? [chars.join('')] : [];
  const out: string[] = new Array(chars.length - n + 1);
  if (n === 2) {
    for (let i = 0; i + 1 < chars.length; i++) out[i] = chars[i] + chars[i + 1];
    return out;
  }
  for (let i = 0; i + n <= chars.length; i++) out[i] = chars.slice(i, i + n).join('');
  return out;
}

export function hammingDistance(a: bigint, b: bigint): number {
  const x = a ^ b;
  return popcount32(Number(x & 0xffffffffn)) + popcount32(Number(x >> 32n));
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hex form for storage in a text column. */
export function simhashHex(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}

export function parseSimhash(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
