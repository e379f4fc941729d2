import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { trackCommits } from './after-commit.ts';
import type { Database } from './schema.ts';

export type DbKind = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  kind: DbKind;
  /** Human-readable location without credentials (for logs and health). */
  location: string;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {}

/**
 * The SQLite planner's statistics, which nothing else keeps (issue 23; `ANALYZE` is never run by
 * hand on a user's database): `PRAGMA optimize` analyses the tables whose statistics are missing
 * or stale, each on a sample of at most `analysis_limit` rows per index, so the work stays bounded
 * (well under a second at a million posts) and a database that grew to a million posts is planned
 * as one. On open every table is considered (0x10000); the hourly `db.optimize` task
 * (db/maintenance.ts) repeats it with the default mask, which looks at the tables this
 * connection used.
 */
export function optimizeSqlite(handle: { pragma(source: string): unknown }, when: 'open' | 'periodic'): void {
  handle.pragma('analysis_limit = 1000');
  handle.pragma(when === 'open' ? 'optimize = 0x10002' : 'optimize');
}

export interface OpenOptions {
  /**
   * 'reader': a second connection that only reads (a read thread's, db/read-thread.ts): SQLite
   * refuses writes on it and leaves the planner's statistics to the main connection; PostgreSQL
   * keeps a small pool.
   */
  role?: 'main' | 'reader';
}

/** Each database's connection string (with credentials: never logged), for a read thread opening the same database. */
const urls = new WeakMap<Db, string>();
/** Work to do before a database closes (a read thread to stop). */
const closers = new WeakMap<Db, (() => Promise<void>)[]>();

export function connectionUrlOf(db: Db): string | undefined {
  return urls.get(db);
}

/** Runs `fn` when `db` closes, before its connections go. */
export function onClose(db: Db, fn: () => Promise<void>): void {
  closers.set(db, [...(closers.get(db) ?? []), fn]);
}

async function runClosers(db: Db): Promise<void> {
  const fns = closers.get(db) ?? [];
  closers.delete(db);
  for (const fn of fns) await fn().catch(() => undefined);
}

export const DEFAULT_SQLITE_PATH = './data/minsheng.db';

/** `--db` value, else DATABASE_URL, else the embedded SQLite file. */
export function resolveDbUrl(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.DATABASE_URL || DEFAULT_SQLITE_PATH;
}

export function dbKindOf(url: string): DbKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<Db> {
  const db = dbKindOf(url) === 'postgres' ? await openPostgres(url, opts) : await openSqlite(url, opts);
  urls.set(db, url);
  const close = db.close;
  db.close = async () => {
    await runClosers(db);
    await close();
  };
  return db;
}

/**
 * The folder of a SQLite file must exist: a path given with `--db` or DATABASE_URL whose folder is
 * missing is almost always a typo, and creating folders and an empty workspace there hides it
 * (issue 20). Only the default path's folder (`./data`) is created, so that `npm start` and
 * `npx minsheng migrate` work in a fresh clone.
 */
export function ensureSqliteFolder(path: string): void {
  const dir = dirname(resolve(path));
  if (existsSync(dir)) return;
  if (resolve(path) !== resolve(DEFAULT_SQLITE_PATH)) throw new DatabaseOpenError(`database folder does not exist: ${dir}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DatabaseOpenError(`cannot create the database folder ${dir}: ${(err as Error).message}`);
  }
}

/** How many prepared statements a SQLite connection keeps (the product issues a few hundred distinct ones). */
export const STATEMENT_CACHE_SIZE = 500;

type SqliteHandle = { close(): void; prepare(sql: string): import('better-sqlite3').Statement };

/**
 * The connection as Kysely sees it, with its prepared statements kept by SQL text (least recently
 * used dropped past STATEMENT_CACHE_SIZE). Kysely's SQLite driver prepares every query afresh, and
 * compiling a statement cost more than running most of the product's indexed lookups: 6.5% of the
 * serving thread under `bench load` (issue 23). A statement still being iterated (a streamed
 * query) is busy: the same SQL then gets a statement of its own.
 */
export function withStatementCache(handle: SqliteHandle, size = STATEMENT_CACHE_SIZE): SqliteHandle & { readonly cached: number } {
  const cache = new Map<string, import('better-sqlite3').Statement>();
  return {
    close: () => {
      cache.clear();
      handle.close();
    },
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit) {
        if (hit.busy) return handle.prepare(sql);
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = handle.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    get cached() {
      return cache.size;
    },
  };
}

async function openSqlite(url: string, opts: OpenOptions): Promise<Db> {
  const { default: SQLite } = await import('better-sqlite3');
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  if (path !== ':memory:') ensureSqliteFolder(path);
  let handle: InstanceType<typeof SQLite>;
  try {
    handle = new SQLite(path);
    handle.pragma('journal_mode = WAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 10000');
    handle.pragma('synchronous = NORMAL');
    if (opts.role === 'reader') handle.pragma('query_only = 1');
    else if (path !== ':memory:') optimizeSqlite(handle, 'open');
    handle.prepare('select 1').get();
  } catch (err) {
    throw new DatabaseOpenError(`cannot open SQLite database at ${path}: ${(err as Error).message}`);
  }
  const tracked = trackCommits(new SqliteDialect({ database: withStatementCache(handle) }));
  const kysely = new Kysely<Database>({ dialect: tracked.dialect });
  tracked.bind(kysely);
  return {
    kysely,
    kind: 'sqlite',
    location: path,
    close: async () => {
      await kysely.destroy();
    },
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Db> {
  const pg = await import('pg');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseOpenError(`bad PostgreSQL URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  }
  const pool = new pg.default.Pool({ connectionString: url, max: opts.role === 'reader' ? 3 : Number(process.env.PG_POOL_MAX ?? 10), connectionTimeoutMillis: 10000 });
  // An idle client terminated by the server (restart, pg_terminate_backend, a dropped test database)
  // must not crash the process: the pool discards it and connects afresh when next needed.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseOpenError(`cannot connect to PostgreSQL at ${parsed.host}${parsed.pathname}: ${(err as Error).message}`);
  }
  const tracked = trackCommits(new PostgresDialect({ pool }));
  const kysely = new Kysely<Database>({ dialect: tracked.dialect });
  tracked.bind(kysely);
  return {
    kysely,
    kind: 'postgres',
    location: `${parsed.host}${parsed.pathname}`,
    close: async () => {
      await kysely.destroy();
    },
  };
}
