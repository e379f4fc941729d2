import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { connectionUrlOf, onClose, type Db } from './connect.ts';
import type { Database } from './schema.ts';

/**
 * Heavy reads off the serving thread (issue 23). better-sqlite3 runs every query on the thread
 * that asks, and the dashboard's clustering and the statistics' counting are JavaScript, so one
 * dashboard recomputation used to hold every request, ingest and delivery of the process for
 * seconds. A read declared with `threadRead` runs, once `startReadThreads` gave the database read
 * threads, on a worker thread of its lane with a connection of its own (SQLite in WAL mode: a
 * reader sees every committed write and never blocks the writer; PostgreSQL: a small pool), and
 * the serving thread only waits for the answer. Lanes keep slow work from queueing in front of
 * quick work: a search never waits behind a dashboard recomputation.
 *
 * Without read threads (CLI commands, tests, a transaction's reads, an in-memory database) the
 * same function runs inline, so a read has one code path. Arguments and answers cross threads by
 * structured clone: plain data only. An `AppError` thrown in a thread is thrown again as one.
 */
export const READ_LANES = ['search', 'figures', 'reports', 'refresh', 'analysis'] as const;
export type ReadLane = (typeof READ_LANES)[number];

/**
 * SQLite's write-ahead log is folded back into the database file by a checkpoint, which SQLite runs
 * in the commit that takes the log past `wal_autocheckpoint` pages (1,000 by default): on the
 * serving thread, with the file's fsync, every few dozen posts (4.4 s of the serving thread's
 * 50 s in a `bench load` profile, issue 23). With read threads the refresh thread checkpoints
 * every CHECKPOINT_EVERY_MS instead (PASSIVE: it never waits for readers or blocks the writer), and
 * the serving connection only does it past SERVING_AUTOCHECKPOINT_PAGES, should that thread stop.
 */
export const CHECKPOINT_LANE: ReadLane = 'refresh';
export const CHECKPOINT_EVERY_MS = 1000;
export const SERVING_AUTOCHECKPOINT_PAGES = 20_000;

type ReadFn<A, R> = (db: Kysely<Database>, args: A) => Promise<R>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const registry = new Map<string, ReadFn<any, any>>();
const threadsOf = new WeakMap<Kysely<Database>, ReadThreads>();

/**
 * Declares a read that may run on a read thread: `moduleUrl` is the declaring module's
 * `import.meta.url` (the thread imports it to find the read), `name` unique within it.
 */
export function threadRead<A, R>(moduleUrl: string, name: string, lane: ReadLane, fn: ReadFn<A, R>): ReadFn<A, R> {
  const key = `${moduleUrl}#${name}`;
  registry.set(key, fn);
  return async (db, args) => {
    const threads = threadsOf.get(db);
    return threads ? (threads.run(lane, moduleUrl, key, args) as Promise<R>) : fn(db, args);
  };
}

/** Whether `db` runs its thread reads on read threads (else they run inline). */
export function hasReadThreads(db: Kysely<Database>): boolean {
  return threadsOf.has(db);
}

/** The function a read thread runs for `key` (read-worker.ts). */
export function registeredRead(key: string): ReadFn<unknown, unknown> | undefined {
  return registry.get(key);
}

export interface ReadRequest {
  id: number;
  module: string;
  key: string;
  args: unknown;
}
export type ReadReply =
  | { ready: true }
  | { id: number; ok: unknown }
  | { id: number; error: { message: string; stack?: string; app?: { status: number; code: string; userMessage: string; details?: unknown } } };

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

class Lane {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  busy = 0;
  completed = 0;

  get running(): boolean {
    return this.worker !== null;
  }

  constructor(
    private readonly url: string,
    private readonly name: ReadLane,
    private readonly sqlite: boolean,
  ) {}

  start(): Promise<void> {
    if (this.ready) return this.ready;
    const checkpointMs = this.name === CHECKPOINT_LANE && this.sqlite ? CHECKPOINT_EVERY_MS : undefined;
    const worker = new Worker(new URL('./read-worker.mjs', import.meta.url), { workerData: { url: this.url, lane: this.name, checkpointMs }, name: `read:${this.name}` });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        reject(err);
        this.failAll(err);
        if (this.worker === worker) {
          this.worker = null;
          this.ready = null;
        }
      };
      worker.on('message', (m: ReadReply) => {
        if ('ready' in m) return resolve();
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.busy--;
        this.completed++;
        if ('ok' in m) p.resolve(m.ok);
        else {
          const e = m.error.app ? new AppError(m.error.message, m.error.app.status, m.error.app.code, m.error.app.userMessage, m.error.app.details) : new Error(m.error.message);
          if (m.error.stack) e.stack = m.error.stack;
          p.reject(e);
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`read thread ${this.name} exited with code ${code}`)));
    });
    // a failed start is reported to the reads that wait for it
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.busy -= this.pending.size;
    this.pending.clear();
  }

  async run(module: string, key: string, args: unknown): Promise<unknown> {
    await this.start();
    const id = this.next++;
    const worker = this.worker!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.busy++;
      worker.postMessage({ id, module, key, args } satisfies ReadRequest);
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      this.failAll(new Error(`read thread ${this.name} stopped`));
      await w.terminate();
    }
  }
}

class ReadThreads {
  readonly lanes: Map<ReadLane, Lane>;
  constructor(url: string, sqlite: boolean) {
    this.lanes = new Map(READ_LANES.map((l) => [l, new Lane(url, l, sqlite)]));
  }
  run(lane: ReadLane, module: string, key: string, args: unknown): Promise<unknown> {
    return this.lanes.get(lane)!.run(module, key, args);
  }
  async stop(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.stop()));
  }
}

export interface ReadThreadFigures {
  lanes: { lane: ReadLane; running: boolean; busy: number; completed: number }[];
}

/**
 * Gives `db` its read threads: from now on its `threadRead`s run on them (`warm` lanes start at
 * once, the others on first use). Stopped when the database closes. A database whose connection
 * another thread cannot open (in-memory SQLite) keeps running its reads inline: returns false.
 */
export async function startReadThreads(db: Db, warm: readonly ReadLane[] = ['search', 'figures', 'refresh', 'analysis']): Promise<boolean> {
  const url = connectionUrlOf(db);
  if (!url || /^(sqlite:(\/\/)?)?:memory:$/i.test(url)) return false;
  if (threadsOf.has(db.kysely)) return true;
  const sqlite = db.kind === 'sqlite';
  const threads = new ReadThreads(url, sqlite);
  await Promise.all([...new Set([...warm, ...(sqlite ? [CHECKPOINT_LANE] : [])])].map((l) => threads.lanes.get(l)!.start()));
  threadsOf.set(db.kysely, threads);
  // the serving connection checkpoints only when the refresh thread fell far behind (or stopped)
  if (sqlite) await sql`pragma wal_autocheckpoint = ${sql.raw(String(SERVING_AUTOCHECKPOINT_PAGES))}`.execute(db.kysely);
  onClose(db, async () => {
    threadsOf.delete(db.kysely);
    await threads.stop();
  });
  return true;
}

/** The read threads' state (for /api/health), or null when reads run inline. */
export function readThreadFigures(db: Kysely<Database>): ReadThreadFigures | null {
  const threads = threadsOf.get(db);
  if (!threads) return null;
  return { lanes: [...threads.lanes].map(([lane, l]) => ({ lane, running: l.running, busy: l.busy, completed: l.completed })) };
}
