import { CUE_KINDS, abuseCues } from '../sentiment/abuse.ts';
import { APPEAL_CUES, type AppealCue } from '../appeal/cues.ts';
import { EMOTION_CUES } from '../emotion/lexicon.ts';
import type { EmotionLabel } from '../vocabulary.ts';
import { idfIndex } from './idf.ts';
import { isKeywordCandidate, STOPWORDS } from './keywords.ts';
import { hashToken } from '../learn/features.ts';
import { COMPLAINT_PHRASES, CONCESSIVE, CONTRAST_AFTER, DEGREES, EMOJI, FRAMING, NEGATIONS, NEGATIVE, POSITIVE, REQUEST_MARKERS, RHETORICAL } from '../sentiment/lexicon.ts';

/**
 * Everything the language layer knows about a word with a role (sentiment, degree, negation,
 * clause, abuse cue, stopword), found with one small-table lookup per token; the token hashes
 * (features, IDF) are computed once per post. The language layer runs on every post, and
 * separate tables meant four or five lookups per token.
 */
export const F_END = 1;
export const F_EXCLAIM = 2;
export const F_QUESTION = 4;
export const F_CONCESSIVE = 8;
export const F_CONTRAST = 16;
export const F_RHETORICAL = 32;
export const F_NEGATION = 64;
export const F_COMPLAINT = 128;
export const F_EMOJI = 256;
/** A complaint phrase that also negates what follows ("至今未…", "迟迟不…"). */
export const F_NEGATES_NEXT = 512;
/** The first character of a two-character lexicon word that jieba may cut in two ("醉/了", "妈/的"). */
export const F_PAIR_HEAD = 1024;
/** A polite formula of a message (尊敬、谢谢、希望…): framing, not feeling, in a message to a public body. */
export const F_FRAMING = 2048;
/** Opens a request (希望、恳请、要求…): in a message, the good words after it in its sentence are asked for. */
export const F_REQUEST = 4096;
/** Ends a sentence (。！？…), not just a clause. */
export const F_SENTENCE = 8192;

export interface TokenInfo {
  flags: number;
  /** Lexicon polarity (negative below 0), emoji included. */
  polarity: number;
  /** Degree multiplier before a word; 0 when not a degree word. */
  degree: number;
  /** Degree multiplier after a word ("气死了"); 0 when not one. */
  post: number;
  /** Abuse cue kind index + 1 (see CUE_KINDS); 0 when none. */
  abuse: number;
  /** IDF weight for keywords; 0 when the token is never a keyword (stopword, punctuation). */
  idf: number;
  /** What the word says about the message's appeal type (appeal/cues.ts), when anything. */
  appeal?: readonly AppealCue[];
  /** The emotions the word expresses (emotion/lexicon.ts), when any. */
  emotion?: readonly { emotion: Exclude<EmotionLabel, 'neutral'>; weight: number }[];
}

/** Per post: the info of each token (undefined for words without a role) and each token's hash. */
export interface TokenView {
  infos: (TokenInfo | undefined)[];
  hashes: Int32Array;
}

/** Words that intensify the sentiment word before them ("气死了", "好极了"). */
const POST_DEGREES = new Map([['死了', 1.6], ['极了', 1.8], ['透了', 1.6], ['爆了', 1.6], ['坏了', 1.4], ['透顶', 1.8], ['至极', 1.8], ['要命', 1.6]]);
const CLAUSE_END = ['，', ',', '。', '.', '；', ';', '…', '……', '~', '～', '\n', '、', ':', '：'];
const SENTENCE_END = ['。', '…', '……', '\n', '。。', '。。。'];
const EXCLAIM = ['！', '!', '!!', '!!!', '！！', '！！！'];
const QUESTION = ['？', '?', '??', '???', '？？', '？？？', '?!', '!?'];

let table: Map<string, TokenInfo> | null = null;
/** Two-character lexicon words, looked up again when jieba cut them into two single characters. */
let pairs: Map<string, TokenInfo> | null = null;

function build(): Map<string, TokenInfo> {
  const map = new Map<string, TokenInfo>();
  const idf = idfIndex();
  const entry = (tok: string): TokenInfo => {
    let e = map.get(tok);
    if (!e) {
      e = { flags: 0, polarity: 0, degree: 0, post: 0, abuse: 0, idf: isKeywordCandidate(tok) ? idf.get(hashToken(tok)) : 0 };
      map.set(tok, e);
    }
    return e;
  };
  for (const w of STOPWORDS) entry(w).idf = 0;
  for (const [w, v] of POSITIVE) entry(w).polarity = v;
  for (const [w, v] of NEGATIVE) entry(w).polarity = -v;
  for (const [w, v] of EMOJI) {
    const e = entry(w);
    e.polarity = v;
    e.flags |= F_EMOJI;
  }
  for (const [w, v] of DEGREES) entry(w).degree = v;
  for (const [w, v] of POST_DEGREES) entry(w).post = v;
  for (const w of CLAUSE_END) entry(w).flags |= F_END;
  for (const w of EXCLAIM) entry(w).flags |= F_END | F_EXCLAIM;
  for (const w of QUESTION) entry(w).flags |= F_END | F_QUESTION | F_SENTENCE;
  for (const w of SENTENCE_END) entry(w).flags |= F_END | F_SENTENCE;
  for (const w of EXCLAIM) entry(w).flags |= F_SENTENCE;
  for (const w of FRAMING) entry(w).flags |= F_FRAMING;
  for (const w of REQUEST_MARKERS) entry(w).flags |= F_REQUEST;
  for (const w of CONCESSIVE) entry(w).flags |= F_CONCESSIVE;
  for (const w of CONTRAST_AFTER) entry(w).flags |= F_CONTRAST;
  for (const w of RHETORICAL) entry(w).flags |= F_RHETORICAL;
  for (const w of NEGATIONS) entry(w).flags |= F_NEGATION;
  for (const w of COMPLAINT_PHRASES) {
    const e = entry(w);
    e.flags |= F_COMPLAINT;
    if (NEGATIONS.has(w.slice(-1)) || w.endsWith('没有')) e.flags |= F_NEGATES_NEXT;
  }
  for (const [w, kind] of abuseCues()) entry(w).abuse = CUE_KINDS.indexOf(kind) + 1;
  for (const [w, cues] of APPEAL_CUES) entry(w).appeal = cues;
  for (const [w, cues] of EMOTION_CUES) entry(w).emotion = cues;
  pairs = new Map();
  for (const lexicon of [POSITIVE, NEGATIVE]) {
    for (const w of lexicon.keys()) {
      // "好的" after 好 is mostly the particle of "好的东西", not the reply "好的"
      if (w.length !== 2 || w.charCodeAt(1) === 0x7684 || (w.charCodeAt(0) & 0xfc00) === 0xd800) continue;
      pairs.set(w, map.get(w)!);
      entry(w[0]).flags |= F_PAIR_HEAD;
    }
  }
  return map;
}

export function tokenInfoTable(): Map<string, TokenInfo> {
  table ??= build();
  return table;
}

/** The lexicon word `first + second` when jieba cut it in two, else undefined (first has F_PAIR_HEAD). */
export function pairInfo(first: string, second: string): TokenInfo | undefined {
  if (second.length !== 1 || first.length !== 1) return undefined;
  tokenInfoTable();
  return pairs!.get(first + second);
}

// The role words again as an open-addressing table keyed by token hash: one probe in a small
// typed array per token, instead of V8 hashing the (fresh) token string for a Map lookup.
let roleKeys: Int32Array | null = null;
let roleInfos: TokenInfo[] = [];
let roleWords: string[] = [];
const ROLE_BITS = 15;

function roleTable(): Int32Array {
  if (roleKeys) return roleKeys;
  const t = tokenInfoTable();
  const mask = (1 << ROLE_BITS) - 1;
  const keys = new Int32Array((1 << ROLE_BITS) * 2);
  roleInfos = [];
  roleWords = [];
  for (const [w, info] of t) {
    const key = hashToken(w) || 1;
    let slot = key & mask;
    while (keys[slot * 2] !== 0) slot = (slot + 1) & mask;
    keys[slot * 2] = key;
    keys[slot * 2 + 1] = roleInfos.length;
    roleInfos.push(info);
    roleWords.push(w);
  }
  roleKeys = keys;
  return keys;
}

function roleOf(tok: string, hash: number, keys: Int32Array): TokenInfo | undefined {
  const key = hash || 1;
  const mask = (1 << ROLE_BITS) - 1;
  let slot = key & mask;
  for (;;) {
    const k = keys[slot * 2];
    if (k === 0) return undefined;
    if (k === key) {
      const idx = keys[slot * 2 + 1];
      if (roleWords[idx] === tok) return roleInfos[idx];
    }
    slot = (slot + 1) & mask;
  }
}

let sharedInfos: (TokenInfo | undefined)[] = [];
let sharedHashes = new Int32Array(1024);

/**
 * One hash and one small typed-table probe per token. With `transient` the arrays are shared
 * buffers, valid until the next call (the analyzer consumes them at once). `given`: the tokens'
 * hashToken values, computed elsewhere.
 */
export function viewTokens(tokens: readonly string[], transient = false, given?: Int32Array): TokenView {
  const keys = roleTable();
  const n = tokens.length;
  let infos: (TokenInfo | undefined)[];
  let hashes: Int32Array;
  if (transient) {
    if (sharedHashes.length < n) sharedHashes = new Int32Array(n * 2);
    hashes = given ?? sharedHashes.subarray(0, n);
    infos = sharedInfos;
    infos.length = n;
  } else {
    hashes = given ? given.slice() : new Int32Array(n);
    infos = new Array<TokenInfo | undefined>(n);
  }
  if (given) {
    // the tokens' hashes came from the thread that cut them (hashToken of each, stream/piped.ts)
    for (let i = 0; i < n; i++) infos[i] = roleOf(tokens[i], hashes[i], keys);
    return { infos, hashes };
  }
  for (let i = 0; i < n; i++) {
    const tok = tokens[i];
    const h = hashToken(tok);
    hashes[i] = h;
    infos[i] = roleOf(tok, h, keys);
  }
  return { infos, hashes };
}
