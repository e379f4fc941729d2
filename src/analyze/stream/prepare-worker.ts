import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/connect.ts';
import { createAnalyzer, slimPrepared, type Prepared } from '../analyzer.ts';
import { parseLine } from './input.ts';

/**
 * A worker thread of `minsheng analyze`: parses lines and prepares posts (language layer,
 * rules, periods, routing, signature). The main thread links events and scores risk in input
 * order, so results do not depend on how many workers there are.
 */
export type PreparedLine = { p: Prepared; hasId: boolean } | { error: string } | null;

export interface BatchRequest {
  seq: number;
  lines: string[];
}

export interface BatchReply {
  seq: number;
  items: PreparedLine[];
}

const port = parentPort!;
const db = await openDatabase((workerData as { dbUrl: string }).dbUrl);
let analyzer;
try {
  analyzer = await createAnalyzer(db.kysely);
} finally {
  await db.close();
}
port.on('message', (msg: BatchRequest) => {
  const items: PreparedLine[] = msg.lines.map((raw) => {
    const parsed = parseLine(raw);
    if (!parsed || 'error' in parsed) return parsed;
    try {
      return { p: slimPrepared(analyzer.prepare(parsed.post)), hasId: parsed.hasId };
    } catch (e) {
      return { error: `analysis failed (${(e as Error).message})` };
    }
  });
  port.postMessage({ seq: msg.seq, items } satisfies BatchReply);
});
port.postMessage({ ready: true });
