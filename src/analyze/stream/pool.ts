import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Analyzer } from '../analyzer.ts';
import type { BatchReply, PreparedLine } from './prepare-worker.ts';
import { Output, resultLine, type StreamStats } from './output.ts';

const BATCH = 128;

/**
 * `minsheng analyze` with worker threads: the main thread reads lines in batches and hands them
 * to the workers, which parse and prepare posts (the language layer is the costly part); the
 * main thread then links events, detects bursts and scores risk in input order, and writes the
 * results in order. At most two batches per worker are in flight and reading waits while output
 * drains, so memory stays flat whatever the input size.
 */
export async function analyzeStreamParallel(
  analyzer: Analyzer,
  dbUrl: string,
  workerCount: number,
  input: Readable,
  output: Writable,
  err: Writable,
): Promise<StreamStats> {
  const stats: StreamStats = { lines: 0, analysed: 0, malformed: 0 };
  const out = new Output(output);
  const workers: { w: Worker; pending: number }[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const ready = new Map<number, { first: number; items: PreparedLine[] }>();
  const firstLine = new Map<number, number>();
  let nextSeq = 0;
  let nextOut = 0;

  const emitReady = () => {
    for (let r = ready.get(nextOut); r; r = ready.get(nextOut)) {
      ready.delete(nextOut);
      nextOut++;
      r.items.forEach((item, k) => {
        if (!item) return;
        if ('error' in item) {
          stats.malformed++;
          err.write(`line ${r.first + k}: ${item.error}\n`);
          return;
        }
        out.push(resultLine(analyzer.link(item.p), item.hasId));
        stats.analysed++;
      });
    }
  };

  try {
    const url = new URL('./prepare-worker.mjs', import.meta.url);
    const starting: Promise<void>[] = [];
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(url, { workerData: { dbUrl } });
      const slot = { w, pending: 0 };
      workers.push(slot);
      starting.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: { ready?: boolean }) => {
            if (!m.ready) return;
            w.off('message', onMessage);
            w.on('message', (reply: BatchReply) => {
              slot.pending--;
              ready.set(reply.seq, { first: firstLine.get(reply.seq)!, items: reply.items });
              firstLine.delete(reply.seq);
              emitReady();
              notify();
            });
            resolve();
          };
          w.on('message', onMessage);
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`analysis worker exited with code ${code} while starting`)));
        }),
      );
      w.on('error', (e) => {
        failure ??= e;
        notify();
      });
    }
    await Promise.all(starting);
    if (process.env.MINSHENG_DEBUG) err.write(`workers ready after ${process.uptime().toFixed(2)} s\n`);

    const inFlight = () => workers.reduce((n, s) => n + s.pending, 0);
    const waitFor = async (cond: () => boolean) => {
      while (!cond()) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure) throw failure;
    };
    const dispatch = async (lines: string[], first: number) => {
      await waitFor(() => inFlight() < workers.length * 2);
      const slot = workers.reduce((a, b) => (b.pending < a.pending ? b : a));
      const seq = nextSeq++;
      firstLine.set(seq, first);
      slot.pending++;
      slot.w.postMessage({ seq, lines });
      if (out.full) await out.flush();
    };

    let batch: string[] = [];
    let batchFirst = 1;
    const rl = createInterface({ input, crlfDelay: Infinity });
    for await (const raw of rl) {
      stats.lines++;
      if (!batch.length) batchFirst = stats.lines;
      batch.push(raw);
      if (batch.length >= BATCH) {
        await dispatch(batch, batchFirst);
        batch = [];
      }
    }
    if (batch.length) await dispatch(batch, batchFirst);
    await waitFor(() => inFlight() === 0);
    emitReady();
    await out.flush();
    return stats;
  } finally {
    await Promise.all(workers.map((s) => s.w.terminate().catch(() => 0)));
  }
}
