import type { Readable, Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Analyzer } from '../analyzer.ts';
import type { ReaderReply, ReaderRequest, ReadItem, ReadPost } from './read-worker.ts';
import { SIGNATURE_SIZE } from '../events/minhash.ts';
import { dropSpaces, userDictionary } from '../text/segment.ts';
import { Output, outputLine, type StreamStats } from './output.ts';
import { joinPost } from '../text/normalize.ts';

/**
 * `minsheng analyze` as a pipeline over two threads, for two cores: a reading thread
 * (read-worker.ts) splits, parses, normalises and cuts the posts of one input chunk while this
 * thread analyses those of the previous one and writes the results in input order. The results
 * are the same as in one thread: the same words, then the same analysis in the same order.
 *
 * Memory stays flat: at most AHEAD chunks are with the reading thread, and reading waits while
 * the output drains.
 */
const AHEAD = 3;

/** The reading thread, started before the workspace is loaded so that jieba loads meanwhile. */
export class ReadingThread {
  readonly worker: Worker;
  readonly replies: ReaderReply[] = [];
  failure: Error | null = null;
  private wake: (() => void) | null = null;

  /** MINSHENG_READ_WORKER names a compiled copy of read-worker (the bundled CLI sets it). */
  constructor() {
    const url = process.env.MINSHENG_READ_WORKER ? new URL(process.env.MINSHENG_READ_WORKER) : new URL('./read-worker.mjs', import.meta.url);
    this.worker = new Worker(url);
    // listening from the start: the thread may fail while this one is still opening the workspace
    this.worker.on('message', (reply: ReaderReply) => {
      this.replies.push(reply);
      this.notify();
    });
    this.worker.on('error', (e) => {
      this.failure ??= e;
      this.notify();
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`the reading thread stopped (exit code ${code})`);
      this.notify();
    });
  }

  private notify() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** The next reply, in order; throws when the thread failed. */
  async next(): Promise<ReaderReply> {
    while (!this.replies.length) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.replies.shift()!;
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate().catch(() => 0);
  }
}

export function startReadingThread(): ReadingThread {
  return new ReadingThread();
}

/** The words of a post from the reading thread's lengths, without whitespace (as Segmenter.cut). */
function wordsOf(item: ReadPost, text: string, lengths: Int32Array, at: number): string[] {
  if (item.words) return item.spaces ? dropSpaces(item.words) : item.words;
  const words = new Array<string>(item.count);
  let pos = 0;
  for (let k = 0; k < item.count; k++) {
    const len = lengths[at + k];
    words[k] = text.slice(pos, pos + len);
    pos += len;
  }
  return item.spaces ? dropSpaces(words) : words;
}

export async function analyzeStreamPiped(analyzer: Analyzer, reader: ReadingThread, input: Readable, output: Writable, err: Writable): Promise<StreamStats> {
  if (!analyzer.language) throw new Error('the piped stream needs the language layer');
  const stats: StreamStats = { lines: 0, analysed: 0, malformed: 0 };
  const { worker } = reader;

  const out = new Output(output);

  const handle = async (reply: ReaderReply) => {
    // this reply's word lengths, signatures and word hashes are read post after post
    let at = 0;
    let k = 0;
    let h = 0;
    stats.lines = reply.lines;
    for (const item of JSON.parse(reply.items) as ReadItem[]) {
      if ('error' in item) {
        stats.malformed++;
        err.write(`line ${item.line}: ${item.error}\n`);
        continue;
      }
      const normalized = item.normalized ?? joinPost(item.title, item.text);
      const tokens = wordsOf(item, normalized, reply.lengths, at);
      at += item.count;
      // a view: the event linker copies what it keeps
      const signature = reply.signatures.subarray(k * SIGNATURE_SIZE, (k + 1) * SIGNATURE_SIZE);
      k++;
      const hashes = reply.hashes.subarray(h, h + tokens.length);
      h += tokens.length;
      out.push(outputLine(stats, err, item.line, item.hasId, () => analyzer.analyze(item.post, { title: item.title, text: item.text, normalized, tokens, signature, hashes })));
      if (out.full) await out.flush();
    }
  };

  let sent = 0;
  let received = 0;
  const next = async (): Promise<ReaderReply> => {
    const reply = await reader.next();
    received++;
    return reply;
  };
  const send = (msg: ReaderRequest, transfer: ArrayBuffer[] = []) => {
    worker.postMessage(msg, transfer);
    sent++;
  };

  try {
    worker.postMessage({ dictionary: userDictionary(analyzer.language.dictionary), names: [...analyzer.names] } satisfies ReaderRequest);
    if (reader.failure) throw reader.failure;
    for await (const data of input) {
      // a copy moves to the other thread: the stream may still own (or reuse) the chunk's memory
      const own = typeof data === 'string' ? new Uint8Array(Buffer.from(data)) : new Uint8Array(data as Uint8Array);
      send({ chunk: own }, [own.buffer as ArrayBuffer]);
      while (reader.replies.length) await handle(await next());
      while (sent - received >= AHEAD) await handle(await next());
    }
    send({ end: true });
    while (received < sent) await handle(await next());
    await out.flush();
    return stats;
  } finally {
    await reader.stop();
  }
}
