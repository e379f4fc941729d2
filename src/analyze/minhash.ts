/**
 * MinHash signatures over a post's content words, for linking posts about the same matter
 * into events. The fraction of equal positions of two signatures estimates the Jaccard
 * similarity of their word sets; LSH band keys (BANDS bands of ROWS values) let a new post
 * find candidate events by exact key lookup instead of comparing with every event.
 */
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

/** The MurmurHash3 finaliser: a cheap, well-mixed 32-bit permutation. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
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
  return minhashOfHashes(Uint32Array.from(hashes), hashes.length);
}

function minhashOfHashes(hashes: Uint32Array, n: number): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (let j = 0; j < n; j++) {
    const x = hashes[j];
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      let h = Math.imul(x ^ SEEDS[i], 0x9e3779b1);
      h = (h ^ (h >>> 15)) >>> 0;
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/**
 * The signature of a post's tokens in one pass: the same features as `contentFeatures` (names
 * weighted), hashed once each and deduplicated by hash. The analyzer's hot path.
 */
export function signatureOf(tokens: readonly string[], names?: ReadonlySet<string>): Uint32Array {
  const weight = names?.size ? NAME_WEIGHT : 1;
  const hashes = new Uint32Array(tokens.length * weight);
  let n = 0;
  for (const tok of tokens) {
    if (tok.length < 2 || STOP.has(tok)) continue;
    const h = tokenHash(tok);
    if (h === 0) continue;
    hashes[n++] = h;
    if (weight > 1 && names!.has(tok)) for (let k = 1; k < NAME_WEIGHT; k++) hashes[n++] = fmix(fnv1a(`${/[A-Z]/.test(tok) ? tok.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : tok}\u0001${k}`));
  }
  const used = hashes.subarray(0, n).sort();
  let u = 0;
  for (let j = 0; j < n; j++) if (j === 0 || used[j] !== used[j - 1]) used[u++] = used[j];
  return minhashOfHashes(used, u);
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

/** One number per band (band index in the high bits), for in-memory lookups. */
export function bandNumbers(sig: Uint32Array): number[] {
  const out: number[] = new Array(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = b + 1;
    for (let r = 0; r < ROWS; r++) h = fmix(h ^ sig[b * ROWS + r]) ^ Math.imul(h, 31);
    out[b] = b * 4294967296 + (h >>> 0);
  }
  return out;
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
]);

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
