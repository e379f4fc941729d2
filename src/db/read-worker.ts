import { parentPort, workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { openDatabase } from './connect.ts';
import { registeredRead, type ReadReply, type ReadRequest } from './read-thread.ts';

/**
 * A read thread (db/read-thread.ts): opens its own connection to the database (a reader: SQLite
 * refuses writes on it) and runs the reads it is sent, one at a time in the order they came
 * (SQLite's queries are synchronous anyway), importing each read's module on first use.
 */
const port = parentPort!;
const { url, checkpointMs } = workerData as { url: string; lane: string; checkpointMs?: number };
const db = await openDatabase(url, { role: 'reader' });

// SQLite: this thread folds the write-ahead log into the database file (read-thread.ts, `checkpointMs`),
// so that the serving thread's commits no longer do it.
if (checkpointMs && db.kind === 'sqlite') {
  const timer = setInterval(() => {
    sql`pragma wal_checkpoint(PASSIVE)`.execute(db.kysely).catch(() => undefined);
  }, checkpointMs);
  timer.unref();
}

port.on('message', async (m: ReadRequest) => {
  try {
    let fn = registeredRead(m.key);
    if (!fn) {
      await import(m.module);
      fn = registeredRead(m.key);
    }
    if (!fn) throw new Error(`no read ${m.key}`);
    const ok = await fn(db.kysely, m.args);
    port.postMessage({ id: m.id, ok } satisfies ReadReply);
  } catch (err) {
    const e = err as Error;
    const app = e instanceof AppError ? { status: e.status, code: e.code, userMessage: e.userMessage, details: e.details } : undefined;
    port.postMessage({ id: m.id, error: { message: e.message, stack: e.stack, app } } satisfies ReadReply);
  }
});
port.postMessage({ ready: true } satisfies ReadReply);
