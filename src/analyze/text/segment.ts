import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

/**
 * Word segmentation with @node-rs/jieba plus the workspace's user dictionary (place, road,
 * estate and department names; taxonomy keywords) so that "沿港西路" or "某某花园" stay one word.
 *
 * Loading jieba's base dictionary takes a noticeable fraction of a second, and jieba cannot
 * forget words once loaded, so one instance is kept per distinct user-word list (a small LRU).
 */
const require = createRequire(import.meta.url);
let baseDict: Buffer | null = null;
function jiebaDict(): Buffer {
  baseDict ??= (require('@node-rs/jieba/dict.js') as { dict: Buffer }).dict;
  return baseDict;
}

/** Frequency given to user words: high enough that jieba keeps them whole against any split. */
const USER_WORD_FREQ = 2_000_000;

export interface Segmenter {
  /** Tokens of already-normalised text; whitespace tokens are dropped. */
  cut(text: string): string[];
  readonly userWords: readonly string[];
}

const cache = new Map<string, Segmenter>();
const CACHE_SIZE = 4;

/** A word usable in jieba's dictionary: no whitespace, at least one character. */
export function cleanUserWord(word: string): string | null {
  const w = word.trim();
  if (!w || /\s/.test(w)) return null;
  return w;
}

/** The user words as jieba will hold them: cleaned, distinct, sorted. */
function dictionaryWords(userWords: Iterable<string>): string[] {
  return [...new Set([...userWords].map(cleanUserWord).filter((w): w is string => w !== null))].sort();
}

/** What `createSegmenter(userWords)` loads into jieba on top of its base dictionary ('' when nothing). */
export function userDictionary(userWords: Iterable<string>): string {
  const words = dictionaryWords(userWords);
  return words.length ? words.map((w) => `${w} ${USER_WORD_FREQ} n`).join('\n') + '\n' : '';
}

/** A jieba instance with the base dictionary and a user dictionary from `userDictionary`. */
export function loadJieba(userDict: string): Jieba {
  const jieba = Jieba.withDict(jiebaDict());
  if (userDict) jieba.loadDict(Buffer.from(userDict));
  return jieba;
}

/** Whether a character may be JavaScript whitespace (what trim() removes); the others never are. */
function maybeSpace(c: number): boolean {
  return c <= 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * jieba's tokens without whitespace-only ones (jieba keeps spaces and line breaks as tokens): the
 * array itself when it has no space, line break or ideographic space token, else a new array of
 * the tokens that are not blank. A token is looked at closer only when it starts with a space.
 */
export function dropSpaces(raw: string[]): string[] {
  let i = 0;
  for (; i < raw.length; i++) {
    const c = raw[i].charCodeAt(0);
    if ((c <= 0x20 || c === 0x3000 || c === 0xa0) && raw[i].trim() === '') break;
  }
  if (i === raw.length) return raw;
  const out: string[] = [];
  for (const t of raw) if (!maybeSpace(t.charCodeAt(0)) || t.trim() !== '') out.push(t);
  return out;
}

export function createSegmenter(userWords: Iterable<string> = []): Segmenter {
  const words = dictionaryWords(userWords);
  const key = createHash('sha1').update(words.join('\n')).digest('hex');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const jieba = loadJieba(userDictionary(words));
  const segmenter: Segmenter = {
    userWords: words,
    cut(text) {
      if (!text) return [];
      return dropSpaces(jieba.cut(text, true));
    },
  };
  cache.set(key, segmenter);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return segmenter;
}
