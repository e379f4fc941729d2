/**
 * MinHash signatures over a post's content words, for linking posts about the same matter
 * into events. The fraction of equal positions of two signatures estimates the Jaccard
 * similarity of their word sets; LSH band keys (BANDS bands of ROWS values) let a new post
 * find candidate events by exact key lookup instead of comparing with every event.
 */
import { IntIndex } from '../text/int-index.ts';
import { fmix } from '../text/mix.ts';
import { simdMinhash } from './minhash-wasm.ts';

export const SIGNATURE_SIZE = 64;
export const ROWS = 2;
export const BANDS = SIGNATURE_SIZE / ROWS;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SEEDS = Uint32Array.from({ length: SIGNATURE_SIZE }, (_, i) => fmix(0x9e3779b9 + Math.imul(i + 1, 0x7feb352d)));

/**
 * One well-mixed hash per feature, then SIGNATURE_SIZE cheap derived hashes (xor with a seed,
 * one multiply, one shift): enough independence for similarity estimates, at a fraction of
 * the cost of a full hash per function.
 */
export function minhash(features: Iterable<string>): Uint32Array {
  const hashes: number[] = [];
  for (const f of features) hashes.push(fmix(fnv1a(f)));
  return minhashOfHashes(Int32Array.from(hashes, (h) => h | 0), hashes.length);
}

const simd = simdMinhash(SEEDS);

function minhashOfHashes(hashes: Int32Array, n: number): Uint32Array {
  return simd ? simd.signature(hashes, n) : scalarMinhash(hashes, n);
}

/** The same minima in plain JavaScript (where WebAssembly SIMD is unavailable; tests compare the two). */
export function scalarMinhash(hashes: Int32Array, n: number, seeds: Uint32Array = SEEDS): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SIZE);
  // Four seeds per pass over the features, the running minima in registers. Values are compared
  // as signed 32-bit integers with the sign bit flipped, which orders them as unsigned ones.
  for (let i = 0; i < SIGNATURE_SIZE; i += 4) {
    const s0 = seeds[i] | 0;
    const s1 = seeds[i + 1] | 0;
    const s2 = seeds[i + 2] | 0;
    const s3 = seeds[i + 3] | 0;
    let m0 = 0x7fffffff;
    let m1 = 0x7fffffff;
    let m2 = 0x7fffffff;
    let m3 = 0x7fffffff;
    for (let j = 0; j < n; j++) {
      const x = hashes[j] | 0;
      let h = Math.imul(x ^ s0, 0x9e3779b1);
      h = h ^ (h >>> 15) ^ -0x80000000;
      if (h < m0) m0 = h;
      h = Math.imul(x ^ s1, 0x9e3779b1);
      h = h ^ (h >>> 15) ^ -0x80000000;
      if (h < m1) m1 = h;
      h = Math.imul(x ^ s2, 0x9e3779b1);
      h = h ^ (h >>> 15) ^ -0x80000000;
      if (h < m2) m2 = h;
      h = Math.imul(x ^ s3, 0x9e3779b1);
      h = h ^ (h >>> 15) ^ -0x80000000;
      if (h < m3) m3 = h;
    }
    sig[i] = (m0 ^ -0x80000000) >>> 0;
    sig[i + 1] = (m1 ^ -0x80000000) >>> 0;
    sig[i + 2] = (m2 ^ -0x80000000) >>> 0;
    sig[i + 3] = (m3 ^ -0x80000000) >>> 0;
  }
  return sig;
}

// Per-post scratch: the distinct feature hashes of the post being signed (open addressing with a
// stamp per slot, so nothing is cleared or allocated per post). The minimum ignores repeats, so
// this only saves work.
let features = new Int32Array(512);
let slots = new Int32Array(1024);
let stamps = new Uint32Array(1024);
let stamp = 0;

/** Adds a feature hash unless the post has it already; returns the new count. */
function addFeature(h: number, n: number): number {
  const mask = slots.length - 1;
  let slot = h & mask;
  while (stamps[slot] === stamp) {
    if (slots[slot] === h) return n;
    slot = (slot + 1) & mask;
  }
  stamps[slot] = stamp;
  slots[slot] = h;
  features[n] = h;
  return n + 1;
}

/**
 * The signature of a post's tokens in one pass: the same features as `contentFeatures` (names
 * weighted), hashed once each. The analyzer's hot path.
 */
export function signatureOf(tokens: readonly string[], names?: ReadonlySet<string>): Uint32Array {
  const weight = names?.size ? NAME_WEIGHT : 1;
  const most = tokens.length * weight;
  if (slots.length < most * 2) {
    const size = 1 << Math.ceil(Math.log2(most * 2));
    slots = new Int32Array(size);
    stamps = new Uint32Array(size);
    features = new Int32Array(size);
    stamp = 0;
  }
  if (++stamp === 0xffffffff) {
    stamps.fill(0);
    stamp = 1;
  }
  let n = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (tok.length < 2) continue;
    const h = tokenHash(tok);
    // a function word's hash is in STOP_HASHES; the string itself is compared only then
    if (h === 0 || (STOP_HASHES.get(h | 0) >= 0 && STOP.has(tok))) continue;
    n = addFeature(h | 0, n);
    if (weight > 1 && names!.has(tok)) for (let k = 1; k < NAME_WEIGHT; k++) n = addFeature(fmix(fnv1a(`${/[A-Z]/.test(tok) ? tok.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : tok}\u0001${k}`)) | 0, n);
  }
  return minhashOfHashes(features, n);
}

/**
 * FNV-1a of the ASCII-lower-cased token, mixed; 0 when the token has no CJK character or
 * Latin letter (numbers, punctuation, emoji are not content words). Equals fmix(fnv1a(feature)).
 */
function tokenHash(tok: string): number {
  let h = 0x811c9dc5;
  let word = false;
  for (let i = 0; i < tok.length; i++) {
    let c = tok.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      c += 32;
      word = true;
    } else if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) word = true;
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return word ? fmix(h >>> 0) || 1 : 0;
}

export function isEmptySignature(sig: Uint32Array): boolean {
  return sig[0] === 0xffffffff && sig[1] === 0xffffffff;
}

/** Estimated Jaccard similarity of the two feature sets. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

/** The least number of equal positions whose similarity is at least `threshold` (SIGNATURE_SIZE + 1 when none). */
export function leastSame(threshold: number): number {
  for (let k = 0; k <= SIGNATURE_SIZE; k++) if (k / SIGNATURE_SIZE >= threshold) return k;
  return SIGNATURE_SIZE + 1;
}

/**
 * The number of equal positions when it is at least `need`, else -1: stops as soon as the
 * positions left cannot make up the difference (most candidates of a busy stream fall short).
 */
export function sameAtLeast(a: Uint32Array, b: Uint32Array, need: number): number {
  // mismatches counted eight positions at a time (SIGNATURE_SIZE is a multiple of 8)
  const allowed = SIGNATURE_SIZE - need;
  let miss = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i += 8) {
    miss +=
      (a[i] !== b[i] ? 1 : 0) + (a[i + 1] !== b[i + 1] ? 1 : 0) + (a[i + 2] !== b[i + 2] ? 1 : 0) + (a[i + 3] !== b[i + 3] ? 1 : 0) +
      (a[i + 4] !== b[i + 4] ? 1 : 0) + (a[i + 5] !== b[i + 5] ? 1 : 0) + (a[i + 6] !== b[i + 6] ? 1 : 0) + (a[i + 7] !== b[i + 7] ? 1 : 0);
    if (miss > allowed) return -1;
  }
  return SIGNATURE_SIZE - miss;
}

/** The 32-bit key of each band (as signed integers: small integers are the cheapest map keys). */
export function bandHashes(sig: Uint32Array, out: Int32Array = new Int32Array(BANDS)): Int32Array {
  for (let b = 0; b < BANDS; b++) {
    let h = b + 1;
    for (let r = 0; r < ROWS; r++) h = fmix(h ^ sig[b * ROWS + r]) ^ Math.imul(h, 31);
    out[b] = h;
  }
  return out;
}

/** One number per band (band index in the high bits). */
export function bandNumbers(sig: Uint32Array): number[] {
  return Array.from(bandHashes(sig), (h, b) => b * 4294967296 + (h >>> 0));
}

/** The band keys as stored in event_keys. */
export function bandKeys(sig: Uint32Array): string[] {
  return bandNumbers(sig).map((n) => `m${Math.floor(n / 4294967296)}:${(n % 4294967296).toString(36)}`);
}

export function signatureHex(sig: Uint32Array): string {
  let s = '';
  for (const v of sig) s += v.toString(16).padStart(8, '0');
  return s;
}

export function parseSignature(hex: string | null | undefined): Uint32Array | null {
  if (!hex || hex.length !== SIGNATURE_SIZE * 8 || !/^[0-9a-f]+$/.test(hex)) return null;
  const sig = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) sig[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return sig;
}

const STOP = new Set([
  '我们', '你们', '他们', '这个', '那个', '什么', '没有', '就是', '还是', '已经', '因为', '所以', '但是', '可以', '现在', '一个',
  '自己', '大家', '请问', '你好', '您好', '谢谢', '这些', '那些', '如果', '而且', '或者', '以及', '这样', '怎么', '为什么', '一下',
  '一直', '知道', '觉得', '希望', '问题', '情况', '有关', '相关', '部门', '领导', '时候', '今天', '昨天', '目前', '不是', '只是',
  // the framing of a message to a government board: shared by every message, it says nothing about the matter
  '政府', '反映', '投诉', '举报', '咨询', '关于', '建议', '解决', '尊敬', '感谢', '市民', '居民', '群众', '请求', '恳请', '要求', '尽快',
  '及时', '严重', '影响', '存在', '进行', '处理', '相关部门', '有关部门', '你们好', '谢谢您', '非常感谢', '麻烦', '帮忙', '重视',
]);

const STOP_HASHES = new IntIndex([...STOP].map((w) => [tokenHash(w) | 0, 0]));

/** How many times a name (place, road, estate from the workspace dictionary) counts. */
export const NAME_WEIGHT = 6;

/**
 * The words that describe what a post is about: two or more characters, no numbers, no
 * function words. Names from the workspace dictionary weigh more (they are entered several
 * times), because they tell one matter from another: late delivery at two estates is two events.
 */
export function contentFeatures(tokens: readonly string[], names?: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const tok of tokens) {
    if (tok.length < 2 || STOP.has(tok) || !hasWordChar(tok)) continue;
    const f = /[A-Z]/.test(tok) ? tok.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : tok;
    out.add(f);
    if (names?.has(tok)) for (let k = 1; k < NAME_WEIGHT; k++) out.add(`${f}\u0001${k}`);
  }
  return out;
}

/** A CJK character or a Latin letter (not only digits, spaces, punctuation or emoji). */
function hasWordChar(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) return true;
  }
  return false;
}
