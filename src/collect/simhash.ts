import { createHash } from 'node:crypto';

/**
 * 64-bit SimHash over character shingles (default 2-grams of the text with punctuation and
 * spaces removed). Chinese has no spaces, so character bigrams are a robust default; callers
 * may pass word tokens instead. Near-duplicate texts differ in a few bits.
 */
export function simhash(textOrTokens: string | string[], shingle = 2): bigint {
  const features = typeof textOrTokens === 'string' ? charShingles(textOrTokens, shingle) : textOrTokens;
  if (features.length === 0) return 0n;
  const weights = new Array<number>(64).fill(0);
  const counts = new Map<string, number>();
  for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
  for (const [f, w] of counts) {
    const h = createHash('md5').update(f).digest();
    // The first 64 bits of the digest, as two 32-bit halves (plain numbers: BigInt shifts are slow).
    const lo = h.readUInt32BE(4);
    const hi = h.readUInt32BE(0);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] += (lo >>> bit) & 1 ? w : -w;
      weights[bit + 32] += (hi >>> bit) & 1 ? w : -w;
    }
  }
  let out = 0n;
  for (let bit = 0; bit < 64; bit++) if (weights[bit] > 0) out |= 1n << BigInt(bit);
  return out;
}

export function charShingles(text: string, n = 2): string[] {
  const clean = text.replace(/[\s\p{P}\p{S}]+/gu, '');
  const chars = Array.from(clean);
  if (chars.length <= n) return chars.length ? [chars.join('')] : [];
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** Hex form for storage in a text column. */
export function simhashHex(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}

export function parseSimhash(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
