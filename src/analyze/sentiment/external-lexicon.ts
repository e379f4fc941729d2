import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EXTERNAL_LEXICON_FEATURES, hashToken } from '../learn/features.ts';
import { cachePath, readCached, writeCached } from '../text/table-cache.ts';
import { NEGATIONS } from './lexicon.ts';

/**
 * Three published Chinese sentiment lexicons, read from the npm package
 * `@cycjimmy/chinese-sentiment` (never copied into this repository):
 * - BosonNLP: ~115k words with a polarity score, built by BosonData from millions of
 *   sentiment-labelled Weibo, news and forum texts. It knows social-media words that no
 *   workspace has labelled yet;
 * - DUTIR (大连理工大学情感词汇本体): words in 7 emotion classes (乐 好 怒 哀 惧 恶 惊);
 * - HowNet (知网): positive and negative evaluation words.
 * They feed the learned sentiment model as 15 dense features (see `fill`); a workspace's model
 * learns how much to trust them. On SMP2020-EWECT they raised negative-class F1 after learning
 * from 0.838 to 0.855 (bench/eval-analysis.ts). Their publishers' terms are their own (docs/analysis.md):
 * `MINSHENG_EXTERNAL_LEXICON=0` turns them off, and models trained without them keep working.
 */

const PACKAGE = '@cycjimmy/chinese-sentiment';
const DUTIR_CLASSES = ['乐', '好', '怒', '哀', '惧', '恶', '惊'];
const CLAUSE_END = ['，', ',', '。', '.', '！', '!', '？', '?', '；', ';', '…', '……', '\n'];
/** A negation flips the polarity of the next two scored words in its clause ("不是很开心"). */
const NEGATION_REACH = 2;

export interface ExternalLexicon {
  /** Number of distinct words known. */
  readonly size: number;
  /**
   * Writes EXTERNAL_LEXICON_FEATURES values for the tokens (hashes: hashToken of each) into
   * out[offset…]. `mentions[t]` set: token t belongs to a mention (features.ts markMentions) — a
   * name, not a feeling — and is not read.
   */
  fill(tokens: readonly string[], hashes: Int32Array | null, out: Float32Array, offset: number, mentions?: Uint8Array): void;
  /**
   * For reasons: up to `max` distinct words whose BosonNLP score has the given sign and is strong
   * (|score| ≥ STRONG_WORD), outside a negation's reach, strongest first; mentions are not read,
   * and `named(t)` leaves out token t (a word the built-in lexicon already names).
   */
  strongest(tokens: readonly string[], hashes: Int32Array | null, sign: 1 | -1, max: number, mentions?: Uint8Array, named?: (t: number) => boolean): string[];
}

/** A BosonNLP score this strong makes a word worth naming in a reason. */
const STRONG_WORD = 1.5;

const SLOT_BITS = 18;
const CAPACITY = 1 << SLOT_BITS;
/** Bump when the table's layout changes: cached tables of other versions are ignored. */
const TABLE_VERSION = 1;
/** Per slot: the word's hash (0 = free), its BosonNLP score, and a byte of roles (see below). */
const CACHE_LENGTH = CAPACITY * 9 + 4;
// the role byte: DUTIR class + 1 in the low 3 bits, then HowNet positive / negative, negation, clause end
const EMOTION_MASK = 7;
const HOWNET_POSITIVE = 8;
const HOWNET_NEGATIVE = 16;
const F_NEGATION = 32;
const F_CLAUSE_END = 64;

interface Table {
  keys: Int32Array;
  scores: Float32Array;
  roles: Uint8Array;
  size: number;
}

function buildTable(dir: string): Table {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, 'src/dictionary', name), 'utf8')) as Record<string, unknown>;
  const boson = read('BosonNLP.json').BosonNLP as Record<string, number>;
  const dutir = read('DUTIR.json').DUTIR as Record<string, string[]>;
  const hownet = read('HOWNET.json').HOWNET as Record<string, string[]>;
  const keys = new Int32Array(CAPACITY);
  const scores = new Float32Array(CAPACITY);
  const roles = new Uint8Array(CAPACITY);
  const mask = CAPACITY - 1;
  let size = 0;
  // Keyed by the full 32-bit token hash, without the word: two words share a hash about once in
  // 4 billion lookups, and then only one feature value blurs.
  const slotOf = (w: string): number => {
    const key = hashToken(w) || 1;
    let s = key & mask;
    while (keys[s] !== 0 && keys[s] !== key) s = (s + 1) & mask;
    if (keys[s] === 0) {
      if (++size > CAPACITY * 0.7) throw new Error(`${PACKAGE}: too many words for the table`);
      keys[s] = key;
    }
    return s;
  };
  for (const [w, v] of Object.entries(boson)) if (w.trim() && Number.isFinite(v)) scores[slotOf(w)] = v;
  DUTIR_CLASSES.forEach((c, k) => {
    for (const w of dutir[c] ?? []) {
      if (w.length < 2) continue;
      const s = slotOf(w);
      if ((roles[s] & EMOTION_MASK) === 0) roles[s] |= k + 1;
    }
  });
  for (const w of hownet.pos ?? []) roles[slotOf(w)] |= HOWNET_POSITIVE;
  for (const w of hownet.neg ?? []) roles[slotOf(w)] |= HOWNET_NEGATIVE;
  for (const w of NEGATIONS) roles[slotOf(w)] |= F_NEGATION;
  for (const w of CLAUSE_END) roles[slotOf(w)] |= F_CLAUSE_END;
  return { keys, scores, roles, size };
}

function loadTable(dir: string): Table {
  const cache = cachePath(join(dir, 'src/dictionary/BosonNLP.json'), 'sentiment-lexicons', TABLE_VERSION);
  const buffer = readCached(cache, CACHE_LENGTH);
  if (buffer) {
    return {
      keys: new Int32Array(buffer, 0, CAPACITY),
      scores: new Float32Array(buffer, CAPACITY * 4, CAPACITY),
      roles: new Uint8Array(buffer, CAPACITY * 8, CAPACITY),
      size: new DataView(buffer, CAPACITY * 9).getUint32(0, true),
    };
  }
  const table = buildTable(dir);
  const out = new Uint8Array(CACHE_LENGTH);
  out.set(new Uint8Array(table.keys.buffer), 0);
  out.set(new Uint8Array(table.scores.buffer), CAPACITY * 4);
  out.set(table.roles, CAPACITY * 8);
  new DataView(out.buffer, CAPACITY * 9).setUint32(0, table.size, true);
  writeCached(cache, out);
  return table;
}

function lexiconOf({ keys, scores, roles, size }: Table): ExternalLexicon {
  const mask = CAPACITY - 1;
  const find = (hash: number): number => {
    const key = hash || 1;
    let s = key & mask;
    for (;;) {
      const k = keys[s];
      if (k === key) return s;
      if (k === 0) return -1;
      s = (s + 1) & mask;
    }
  };
  const counts = new Float64Array(DUTIR_CLASSES.length);
  /**
   * Visits each known word that is not a negation or a clause end, with its BosonNLP score and
   * whether a negation before it in its clause reaches it; `ignore[t]` set: token t is left out.
   */
  const scan = (tokens: readonly string[], hashes: Int32Array | null, ignore: Uint8Array | undefined, visit: (t: number, role: number, v: number, negated: boolean) => void) => {
    let flip = 0;
    for (let t = 0; t < tokens.length; t++) {
      if (ignore?.[t]) continue;
      const s = find(hashes ? hashes[t] : hashToken(tokens[t]));
      if (s < 0) continue;
      const role = roles[s];
      if (role & F_NEGATION) {
        flip = NEGATION_REACH;
        continue;
      }
      if (role & F_CLAUSE_END) {
        flip = 0;
        continue;
      }
      const v = scores[s];
      const negated = v !== 0 && flip > 0;
      if (negated) flip--;
      visit(t, role, v, negated);
    }
  };

  return {
    size,
    fill(tokens, hashes, out, offset, mentions) {
      let sum = 0;
      let scored = 0;
      let min = 0;
      let max = 0;
      let strongPositive = 0;
      let strongNegative = 0;
      let positive = 0;
      let negative = 0;
      counts.fill(0);
      scan(tokens, hashes, mentions, (_t, role, score, negated) => {
        if (score !== 0) {
          const v = negated ? -score : score;
          sum += v;
          scored++;
          if (v < min) min = v;
          if (v > max) max = v;
          if (v > 1.5) strongPositive++;
          if (v < -1) strongNegative++;
        }
        if (role & EMOTION_MASK) counts[(role & EMOTION_MASK) - 1]++;
        if (role & HOWNET_POSITIVE) positive++;
        if (role & HOWNET_NEGATIVE) negative++;
      });
      let o = offset;
      out[o++] = Math.tanh(sum / 8);
      out[o++] = scored ? Math.tanh(sum / scored / 2) : 0;
      out[o++] = Math.tanh(min / 3);
      out[o++] = Math.tanh(max / 3);
      out[o++] = Math.tanh(strongPositive / 3);
      out[o++] = Math.tanh(strongNegative / 3);
      for (let k = 0; k < counts.length; k++) out[o++] = Math.tanh(counts[k] / 2);
      out[o++] = Math.tanh(positive / 2);
      out[o++] = Math.tanh(negative / 2);
    },
    strongest(tokens, hashes, sign, max, mentions, named) {
      const found: { word: string; v: number }[] = [];
      scan(tokens, hashes, mentions, (t, _role, v, negated) => {
        const word = tokens[t];
        if (negated || v * sign < STRONG_WORD || word.length < 2 || named?.(t) || found.some((f) => f.word === word)) return;
        found.push({ word, v: Math.abs(v) });
      });
      return found
        .sort((a, b) => b.v - a.v)
        .slice(0, max)
        .map((f) => f.word);
    },
  };
}

let loaded: ExternalLexicon | null | undefined;
let warned = false;

/** Whether the operator turned the external lexicons off. */
export function externalLexiconDisabled(): boolean {
  const v = process.env.MINSHENG_EXTERNAL_LEXICON?.trim().toLowerCase();
  return v === '0' || v === 'off' || v === 'false' || v === 'no';
}

/**
 * The external lexicons, loaded once (0.2 s to build, a few ms from the cache); null when turned off or when the package is
 * not installed or unreadable (then the learned model trains without these features).
 */
export function externalLexicon(): ExternalLexicon | null {
  if (externalLexiconDisabled()) return null;
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = lexiconOf(loadTable(dirname(require.resolve(`${PACKAGE}/package.json`))));
  } catch (e) {
    loaded = null;
    if (!warned) {
      warned = true;
      process.emitWarning(`external sentiment lexicons unavailable (${(e as Error).message.split('\n')[0]}); learned sentiment uses the built-in lexicon only`);
    }
  }
  return loaded;
}
