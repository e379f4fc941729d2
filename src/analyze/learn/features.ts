import type { ExternalLexicon } from '../sentiment/external-lexicon.ts';
import type { LexiconScore } from '../sentiment/score.ts';

/**
 * Hashed features of one text for the learned linear models: word unigrams (jieba tokens),
 * character bigrams and trigrams, plus a few dense lexicon features (the built-in sentiment
 * lexicon's view, so that the model starts from general knowledge and learns corrections).
 * Hashes are 32-bit; each model keeps as many low bits as its size allows. Features are
 * computed once per post and shared by every model.
 */
export interface TextFeatures {
  /**
   * Hashes: [0, contentEnd) content words (two or more letters), [contentEnd, wordsEnd) other
   * tokens (single characters, punctuation), [wordsEnd, bigramsEnd) char bigrams,
   * [bigramsEnd, length) char trigrams.
   */
  hashes: Int32Array;
  contentEnd: number;
  wordsEnd: number;
  bigramsEnd: number;
  /** Dense lexicon features: LEXICON_FEATURES from the built-in lexicon, then the external lexicons' when asked for. */
  lexicon: Float32Array;
  /** [0, leadEnd) are the content words of the lead (a first line of at most LEAD_CHARS: a message's title); 0 without one. */
  leadEnd: number;
  /** How many of the text's tokens make up the lead (leadTokenCount). */
  leadTokens: number;
}

/** Dense features from the built-in lexicon's score. */
export const LEXICON_FEATURES = 8;
/** Dense features from the external lexicons (sentiment/external-lexicon.ts). */
export const EXTERNAL_LEXICON_FEATURES = 15;
/** Dense features from the built-in emotion lexicon (emotion/score.ts): evidence per emotion. */
export const EMOTION_FEATURES = 5;
/** Dense features from the appeal cues (appeal/classify.ts): cue weight per appeal type, a question in the title, an address. */
export const APPEAL_FEATURES = 7;
/** Where each block starts in TextFeatures.lexicon (every text carries every block; a model reads those it uses). */
const EXTERNAL_AT = LEXICON_FEATURES;
const EMOTION_AT = EXTERNAL_AT + EXTERNAL_LEXICON_FEATURES;
const APPEAL_AT = EMOTION_AT + EMOTION_FEATURES;
const DENSE = APPEAL_AT + APPEAL_FEATURES;

/** How many dense lexicon weights a model with these features has per class. */
export function lexiconSize(fs: FeatureSet): number {
  return LEXICON_FEATURES + (fs.externalLexicon ? EXTERNAL_LEXICON_FEATURES : 0) + (fs.emotion ? EMOTION_FEATURES : 0) + (fs.appeal ? APPEAL_FEATURES : 0);
}

const positions = new Map<number, Int32Array>();
/** For each dense weight of a model with these features, the position of its value in TextFeatures.lexicon. */
export function densePositions(fs: FeatureSet): Int32Array {
  const key = (fs.externalLexicon ? 1 : 0) | (fs.emotion ? 2 : 0) | (fs.appeal ? 4 : 0);
  let out = positions.get(key);
  if (!out) {
    const list: number[] = [];
    for (let j = 0; j < LEXICON_FEATURES; j++) list.push(j);
    if (fs.externalLexicon) for (let j = 0; j < EXTERNAL_LEXICON_FEATURES; j++) list.push(EXTERNAL_AT + j);
    if (fs.emotion) for (let j = 0; j < EMOTION_FEATURES; j++) list.push(EMOTION_AT + j);
    if (fs.appeal) for (let j = 0; j < APPEAL_FEATURES; j++) list.push(APPEAL_AT + j);
    positions.set(key, (out = Int32Array.from(list)));
  }
  return out;
}

/** The emotion and appeal readings of a text, for the dense features of the models that use them. */
export interface SignalReading {
  /** Evidence per emotion (angry, sad, fear, happy, surprise). */
  emotion?: Float32Array | null;
  /** Cue weight per appeal type (complaint, help, inquiry, suggestion, praise), and the question and address signs. */
  appeal?: { scores: Record<'complaint' | 'help' | 'inquiry' | 'suggestion' | 'praise', number>; titleQuestions: number; address: number } | null;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

export const HASH_SEED = 0x811c9dc5;
/** One step of the token hash (FNV-1a over UTF-16 code units, ASCII lower-cased). */
export function hashStep(h: number, c: number): number {
  if (c >= 0x41 && c <= 0x5a) c += 32;
  return Math.imul(h ^ c, 0x01000193);
}
export function hashFinish(h: number): number {
  return mix(h ^ 0x5bd1e995);
}

export function hashToken(tok: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < tok.length; i++) h = hashStep(h, tok.charCodeAt(i));
  return hashFinish(h);
}

function isSkippable(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

let scratch = new Int32Array(4096);
let mentionScratch = new Uint8Array(1024);

/**
 * Marks with 1 the tokens of mentions ("@某用户:", up to the colon, space, comma or slash after the
 * name). The result is a shared buffer, valid until the next call.
 */
export function markMentions(tokens: readonly string[]): Uint8Array {
  if (mentionScratch.length < tokens.length) mentionScratch = new Uint8Array(tokens.length * 2);
  const mask = mentionScratch;
  let inMention = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    mask[i] = 0;
    if (inMention) {
      const c0 = tok.charCodeAt(0);
      if (c0 === 0x3a || c0 === 0xff1a || c0 === 0x20 || c0 === 0x2c || c0 === 0xff0c || c0 === 0x2f || c0 === 0x40) inMention = c0 === 0x40;
      else {
        mask[i] = 1;
        continue;
      }
    }
    if (tok === '@' || tok.charCodeAt(0) === 0x40) {
      inMention = true;
      mask[i] = 1;
    }
  }
  return mask;
}

/**
 * A first line this long or shorter is a title (normalizePost joins "title\ntext"). A message's
 * title says what the matter is; its text often wanders (a bus route complaint that mentions the
 * pupils riding it), so topic models count the title's words twice.
 */
export const LEAD_CHARS = 60;

/** How many of the tokens make up the lead (the title line of "title\ntext"); 0 without one. */
export function leadTokenCount(normalized: string, tokens: readonly string[]): number {
  const nl = normalized.indexOf('\n');
  if (nl <= 0 || nl > LEAD_CHARS) return 0;
  let chars = 0;
  for (let i = 0; i < tokens.length; i++) {
    chars += tokens[i].length;
    if (chars >= nl) return i + 1;
  }
  return 0;
}

const sharedLexicon = new Float32Array(DENSE);

export function extractFeatures(
  normalized: string,
  tokens: readonly string[],
  tokenHashes: Int32Array | null,
  lex: LexiconScore | null,
  trigrams = true,
  /** Return views into a shared buffer, valid until the next call (analysis); training keeps copies. */
  transient = false,
  /** Adds the external lexicons' features after the built-in ones (sentiment models trained with them). */
  external: ExternalLexicon | null = null,
  /** The emotion and appeal readings (emotion and appeal models). */
  signal: SignalReading | null = null,
): TextFeatures {
  const need = tokens.length + normalized.length * 2 + 8;
  if (scratch.length < need) scratch = new Int32Array(need * 2);
  const out = scratch;
  let n = 0;
  let other = tokens.length;
  // A mention ("@某用户:") names a person, not a feeling or a topic: its tokens and characters are
  // left out, so models do not learn user names.
  const mentions = markMentions(tokens);
  const leadTokens = leadTokenCount(normalized, tokens);
  let leadEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (mentions[i]) continue;
    const tok = tokens[i];
    const h = tokenHashes ? tokenHashes[i] : hashToken(tok);
    if (isContentWord(tok)) {
      out[n++] = h;
      if (i < leadTokens) leadEnd = n;
    } else out[--other] = h;
  }
  const contentEnd = n;
  // The other tokens were written backwards from the end of the token area; they follow the content words.
  if (other > n) out.copyWithin(n, other, tokens.length);
  n += tokens.length - other;
  const wordsEnd = n;
  let p2 = -1;
  let p1 = -1;
  const triStart = normalized.length + n + 4;
  let nt = triStart;
  let skipMention = false;
  for (let i = 0; i < normalized.length; i++) {
    let c = normalized.charCodeAt(i);
    if (c === 0x40) skipMention = true;
    else if (skipMention && (c === 0x3a || c === 0xff1a || c === 0x20 || c === 0x2c || c === 0xff0c || c === 0x2f)) skipMention = false;
    if (skipMention) {
      p1 = -1;
      p2 = -1;
      continue;
    }
    if (isSkippable(c)) {
      p1 = -1;
      p2 = -1;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (p1 >= 0) {
      out[n++] = mix(Math.imul(p1, 0x9e3779b1) ^ c ^ 0x27d4eb2f);
      if (trigrams && p2 >= 0) out[nt++] = mix(Math.imul(Math.imul(p2, 0x9e3779b1) ^ p1, 0x85ebca77) ^ c ^ 0x165667b1);
    }
    p2 = p1;
    p1 = c;
  }
  const bigramsEnd = n;
  let hashes: Int32Array;
  if (transient && nt === triStart) hashes = out.subarray(0, bigramsEnd);
  else {
    hashes = new Int32Array(bigramsEnd + (nt - triStart));
    hashes.set(out.subarray(0, bigramsEnd), 0);
    hashes.set(out.subarray(triStart, nt), bigramsEnd);
  }
  const lexicon = transient ? sharedLexicon.fill(0) : new Float32Array(DENSE);
  if (lex) {
    lexicon[0] = Math.tanh(lex.raw / 2);
    lexicon[1] = Math.min(lex.positive, 4) / 2;
    lexicon[2] = Math.min(lex.negative, 4) / 2;
    lexicon[3] = Math.min(lex.complaints, 2);
    lexicon[4] = lex.label === 'negative' ? 1 : 0;
    lexicon[5] = lex.label === 'positive' ? 1 : 0;
    lexicon[6] = Math.max(-2, Math.min(2, lex.emoticons)) / 2;
    lexicon[7] = Math.min(lex.rhetorical, 2);
  }
  if (external) external.fill(tokens, tokenHashes, lexicon, EXTERNAL_AT, mentions);
  if (signal?.emotion) for (let k = 0; k < EMOTION_FEATURES; k++) lexicon[EMOTION_AT + k] = Math.log1p(signal.emotion[k]);
  if (signal?.appeal) {
    const a = signal.appeal;
    lexicon[APPEAL_AT] = Math.log1p(a.scores.complaint);
    lexicon[APPEAL_AT + 1] = Math.log1p(a.scores.help);
    lexicon[APPEAL_AT + 2] = Math.log1p(a.scores.inquiry);
    lexicon[APPEAL_AT + 3] = Math.log1p(a.scores.suggestion);
    lexicon[APPEAL_AT + 4] = Math.log1p(a.scores.praise);
    lexicon[APPEAL_AT + 5] = a.titleQuestions > 0 ? 1 : 0;
    lexicon[APPEAL_AT + 6] = a.address > 0 ? 1 : 0;
  }
  return { hashes, contentEnd, wordsEnd, bigramsEnd, lexicon, leadEnd, leadTokens };
}

/** Two or more characters with at least one letter, digit or CJK character. */
function isContentWord(tok: string): boolean {
  if (tok.length < 2) return false;
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x3400 && c <= 0x4dbf)) return true;
  }
  return false;
}

/** Which parts of the features a model uses. */
export interface FeatureSet {
  /** Content words. */
  words: boolean;
  /** Single-character tokens and punctuation (useful for sentiment: "!", "?", "呵"). Defaults to `words`. */
  otherTokens?: boolean;
  bigrams: boolean;
  trigrams: boolean;
  lexicon: boolean;
  /** Also the external lexicons' features (sentiment/external-lexicon.ts); absent in models trained before them. */
  externalLexicon?: boolean;
  /** The lead's content words count twice (nearest-centroid topic models; absent in models trained before it). */
  lead?: boolean;
  /** Also the built-in emotion lexicon's evidence (emotion models). */
  emotion?: boolean;
  /** Also the appeal cues' weights (appeal models). */
  appeal?: boolean;
}

/** Walks the hashed feature indices of `f` that the feature set `fs` uses, masked to the model's size. */
export function forEachFeatureIndex(f: TextFeatures, fs: FeatureSet, mask: number, fn: (idx: number) => void): void {
  const h = f.hashes;
  if (fs.words) for (let i = 0; i < f.contentEnd; i++) fn(h[i] & mask);
  if (fs.words && fs.lead) for (let i = 0; i < f.leadEnd; i++) fn(h[i] & mask);
  if (fs.otherTokens ?? fs.words) for (let i = f.contentEnd; i < f.wordsEnd; i++) fn(h[i] & mask);
  if (fs.bigrams) for (let i = f.wordsEnd; i < f.bigramsEnd; i++) fn(h[i] & mask);
  if (fs.trigrams) for (let i = f.bigramsEnd; i < h.length; i++) fn(h[i] & mask);
}
