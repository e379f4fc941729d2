import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { openDatabase } from './connect.ts';
import { registeredRead, type ReadReply, type ReadRequest } from './read-thread.ts';

/**
 * A read thread (db/read-thread.ts): opens its own connection to the database (a reader: SQLite
 * refuses writes on it) and runs the reads it is sent, one at a time in the order they came
 * (SQLite's queries are synchronous anyway), importing each read's module on first use.
 */
const port = parentPort!;
const { url } = workerData as { url: string; lane: string };
const db = await openDatabase(url, { role: 'reader' });

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
