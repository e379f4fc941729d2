import { parentPort } from 'node:worker_threads';
import { LineSplitter } from './line-splitter.ts';
import { hashToken } from '../learn/features.ts';
import { SIGNATURE_SIZE, signatureOf } from '../events/minhash.ts';
import { dropSpaces, loadJieba } from '../text/segment.ts';
import { parseLine } from './input.ts';
import { joinPost, normalize, normalizePost } from '../text/normalize.ts';
import type { PostSubject } from '../analyzer.ts';

/**
 * The reading thread of `minsheng analyze` on two cores (stream/piped.ts): splits the input into
 * lines, parses and checks them, normalises each post and cuts it with jieba, while the main
 * thread analyses the posts of the previous chunk; it also computes their MinHash signatures, which
 * balances the two threads. jieba's words are contiguous pieces of the normalised text, so they
 * travel as lengths in one transferred array instead of as strings.
 */
export type ReaderRequest = { dictionary: string; names: string[] } | { chunk: Uint8Array } | { end: true };

export interface ReadPost {
  line: number;
  hasId: boolean;
  /** The post as parsed, without its title and text (they follow normalised). */
  post: PostSubject;
  /** Title and text normalised, and the two as one text (normalizePost), which was cut. */
  title: string;
  text: string;
  /** Left out when it is joinPost(title, text), as nearly always. */
  normalized?: string;
  /** How many of `lengths` are this post's words. */
  count: number;
  /** jieba's words themselves, when they are not pieces of `normalized` (a lone surrogate). */
  words?: string[];
  /** Whether some words are whitespace (they are dropped, as Segmenter.cut does). */
  spaces?: boolean;
}

export type ReadItem = ReadPost | { line: number; error: string };

export interface ReaderReply {
  /** The items as JSON: one string crosses between threads far faster than many small objects. */
  items: string;
  /** The UTF-16 lengths of every post's words, post after post. */
  lengths: Int32Array;
  /** Every post's MinHash signature (SIGNATURE_SIZE values each), post after post. */
  signatures: Uint32Array;
  /** hashToken of every post's words once whitespace is dropped, post after post. */
  hashes: Int32Array;
  /** Lines read so far. */
  lines: number;
}

const port = parentPort!;
// the base dictionary loads while the main thread opens the workspace; its words come in the first message
const jieba = loadJieba('');
/** Dictionary names (places, roads, estates): they weigh more in signatures (analyzer.ts). */
let names = new Set<string>();
const splitter = new LineSplitter();
let lineNo = 0;
let lengths = new Int32Array(1 << 16);
let signatures = new Uint32Array(SIGNATURE_SIZE * 256);
let hashes = new Int32Array(1 << 16);

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function read(lines: string[]): ReaderReply {
  const items: ReadItem[] = [];
  let n = 0;
  let posts = 0;
  let h = 0;
  for (const raw of lines) {
    lineNo++;
    const parsed = parseLine(raw);
    if (!parsed) continue;
    if ('error' in parsed) {
      items.push({ line: lineNo, error: parsed.error });
      continue;
    }
    const { post } = parsed;
    const title = normalize(post.title ?? '');
    const text = normalize(post.text ?? '');
    const normalized = normalizePost({ title, text });
    const words = normalized ? jieba.cut(normalized, true) : [];
    const item: ReadPost = { line: lineNo, hasId: parsed.hasId, post: { ...post, title: undefined, text: '' }, title, text, count: 0 };
    if (normalized !== joinPost(title, text)) item.normalized = normalized;
    if (n + words.length > lengths.length) {
      const grown = new Int32Array(Math.max(lengths.length * 2, n + words.length));
      grown.set(lengths.subarray(0, n));
      lengths = grown;
    }
    let total = 0;
    for (let i = 0; i < words.length; i++) total += lengths[n + i] = words[i].length;
    if (total === normalized.length && wellFormed(normalized)) {
      item.count = words.length;
      n += words.length;
    } else item.words = words;
    if ((posts + 1) * SIGNATURE_SIZE > signatures.length) {
      const grown = new Uint32Array(signatures.length * 2);
      grown.set(signatures);
      signatures = grown;
    }
    const kept = dropSpaces(words);
    if (kept !== words) item.spaces = true;
    if (h + kept.length > hashes.length) {
      const grown = new Int32Array(Math.max(hashes.length * 2, h + kept.length));
      grown.set(hashes.subarray(0, h));
      hashes = grown;
    }
    for (let i = 0; i < kept.length; i++) hashes[h++] = hashToken(kept[i]);
    signatures.set(signatureOf(kept, names), posts * SIGNATURE_SIZE);
    posts++;
    items.push(item);
  }
  return { items: JSON.stringify(items), lengths: lengths.slice(0, n), signatures: signatures.slice(0, posts * SIGNATURE_SIZE), hashes: hashes.slice(0, h), lines: lineNo };
}

port.on('message', (msg: ReaderRequest) => {
  let reply: ReaderReply;
  if ('dictionary' in msg) {
    if (msg.dictionary) jieba.loadDict(Buffer.from(msg.dictionary));
    names = new Set(msg.names);
    return;
  }
  if ('chunk' in msg) reply = read(splitter.push(msg.chunk));
  else reply = read(splitter.end());
  port.postMessage(reply, [reply.lengths.buffer as ArrayBuffer, reply.signatures.buffer as ArrayBuffer, reply.hashes.buffer as ArrayBuffer]);
});
