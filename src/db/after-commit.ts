import { EventEmitter } from 'node:events';
import type { DatabaseConnection, Dialect, Driver, Kysely, Transaction } from 'kysely';

/**
 * Work that must wait for a commit: code inside a transaction registers it with `afterCommit`,
 * and it runs once the transaction has committed, never when it rolls back. Outside a
 * transaction (the database itself is passed) it runs at once, since the write is already done.
 *
 * It works for every transaction however it was opened (`db.transaction().execute`, on SQLite and
 * PostgreSQL alike) because the database opened by `openDatabase` runs its dialect's driver
 * through `trackCommits`: the driver sees begin, commit and rollback of each connection, and the
 * work waits on the connection the transaction holds.
 */

type Queryable = Kysely<any> | Transaction<any>;
type Work = () => void;

interface Pending {
  keys: Set<string>;
  work: { key: string | null; run: Work }[];
  /** Savepoints: how much work was registered when each was set. */
  marks: { name: string; size: number }[];
}

/** One tracked database: the work pending on each of its connections, and its commit signals. */
interface Tracker {
  pending: WeakMap<DatabaseConnection, Pending>;
  signals: EventEmitter;
}

const trackerOfConnection = new WeakMap<DatabaseConnection, Tracker>();
const trackerOfDatabase = new WeakMap<Kysely<any>, Tracker>();

function runAll(list: { run: Work }[]): void {
  for (const w of list) {
    try {
      w.run();
    } catch (err) {
      // The transaction is committed; a failing piece of after-commit work must not undo that or stop the others.
      process.emitWarning(`after-commit work failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
}

class TrackingDriver implements Driver {
  constructor(private readonly inner: Driver, private readonly tracker: Tracker) {
    if (inner.savepoint) this.savepoint = async (c, name, compile) => {
      await inner.savepoint!(c, name, compile);
      const p = tracker.pending.get(c);
      if (p) p.marks.push({ name, size: p.work.length });
    };
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = async (c, name, compile) => {
      await inner.rollbackToSavepoint!(c, name, compile);
      const p = tracker.pending.get(c);
      const i = p ? p.marks.map((m) => m.name).lastIndexOf(name) : -1;
      if (p && i >= 0) {
        for (const w of p.work.splice(p.marks[i].size)) if (w.key !== null) p.keys.delete(w.key);
        p.marks.splice(i + 1);
      }
    };
    if (inner.releaseSavepoint) this.releaseSavepoint = async (c, name, compile) => {
      await inner.releaseSavepoint!(c, name, compile);
      const p = tracker.pending.get(c);
      const i = p ? p.marks.map((m) => m.name).lastIndexOf(name) : -1;
      if (p && i >= 0) p.marks.splice(i);
    };
  }

  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const c = await this.inner.acquireConnection();
    trackerOfConnection.set(c, this.tracker);
    return c;
  }

  async beginTransaction(c: DatabaseConnection, settings: Parameters<Driver['beginTransaction']>[1]): Promise<void> {
    await this.inner.beginTransaction(c, settings);
    this.tracker.pending.set(c, { keys: new Set(), work: [], marks: [] });
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const p = this.tracker.pending.get(c);
    this.tracker.pending.delete(c);
    await this.inner.commitTransaction(c);
    if (p) runAll(p.work);
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    this.tracker.pending.delete(c);
    await this.inner.rollbackTransaction(c);
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(c);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** The dialect with commit tracking; `bind` ties the Kysely instance made from it to its tracker. */
export function trackCommits(dialect: Dialect): { dialect: Dialect; bind(db: Kysely<any>): void } {
  const tracker: Tracker = { pending: new WeakMap(), signals: new EventEmitter() };
  tracker.signals.setMaxListeners(0);
  return {
    dialect: {
      createDriver: () => new TrackingDriver(dialect.createDriver(), tracker),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createAdapter: () => dialect.createAdapter(),
      createIntrospector: (db) => dialect.createIntrospector(db),
    },
    bind: (db) => void trackerOfDatabase.set(db, tracker),
  };
}

/** The connection a transaction holds, and what is pending on it (null outside a transaction). */
async function transactionState(q: Queryable): Promise<{ tracker: Tracker; pending: Pending | null }> {
  const known = q.isTransaction ? undefined : trackerOfDatabase.get(q as Kysely<any>);
  if (known) return { tracker: known, pending: null };
  const connection = await q.getExecutor().provideConnection(async (c) => c);
  const tracker = trackerOfConnection.get(connection);
  if (!tracker) throw new Error('afterCommit: the database was not opened by openDatabase (its commits are not tracked)');
  if (!q.isTransaction) return { tracker, pending: null };
  const pending = tracker.pending.get(connection);
  if (!pending) throw new Error('afterCommit: no open transaction on this connection');
  return { tracker, pending };
}

/**
 * Runs `run` once the transaction `q` belongs to has committed (never if it rolls back), or at
 * once when `q` is the database itself. With a `key`, the work is registered once per
 * transaction however often it is asked for (e.g. one wake for every alert the transaction enqueued).
 */
export async function afterCommit(q: Queryable, run: Work, key?: string): Promise<void> {
  const { pending } = await transactionState(q);
  if (!pending) return runAll([{ run }]);
  if (key !== undefined) {
    if (pending.keys.has(key)) return;
    pending.keys.add(key);
  }
  pending.work.push({ key: key ?? null, run });
}

/**
 * Announces `signal` to this process's listeners on the same database once `q`'s transaction
 * has committed (at once outside a transaction); once per transaction.
 */
export async function signalAfterCommit(q: Queryable, signal: string): Promise<void> {
  const { tracker } = await transactionState(q);
  await afterCommit(q, () => void tracker.signals.emit(signal), `signal:${signal}`);
}

/** Listens for `signal` announced on this database (in this process); returns the way to stop. */
export function onCommitSignal(db: Kysely<any>, signal: string, listener: () => void): () => void {
  const tracker = trackerOfDatabase.get(db);
  if (!tracker) throw new Error('onCommitSignal: the database was not opened by openDatabase');
  tracker.signals.on(signal, listener);
  return () => void tracker.signals.off(signal, listener);
}
