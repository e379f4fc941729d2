import { mkdirSync } from 'node:fs';
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

export const DEFAULT_SQLITE_PATH = './data/minsheng.db';

/** `--db` value, else DATABASE_URL, else the embedded SQLite file. */
export function resolveDbUrl(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.DATABASE_URL || DEFAULT_SQLITE_PATH;
}

export function dbKindOf(url: string): DbKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

export async function openDatabase(url: string): Promise<Db> {
  return dbKindOf(url) === 'postgres' ? openPostgres(url) : openSqlite(url);
}

async function openSqlite(url: string): Promise<Db> {
  const { default: SQLite } = await import('better-sqlite3');
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  let handle: InstanceType<typeof SQLite>;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    handle = new SQLite(path);
    handle.pragma('journal_mode = WAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 10000');
    handle.pragma('synchronous = NORMAL');
    handle.prepare('select 1').get();
  } catch (err) {
    throw new DatabaseOpenError(`cannot open SQLite database at ${path}: ${(err as Error).message}`);
  }
  const tracked = trackCommits(new SqliteDialect({ database: handle }));
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

async function openPostgres(url: string): Promise<Db> {
  const pg = await import('pg');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseOpenError(`bad PostgreSQL URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  }
  const pool = new pg.default.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 10), connectionTimeoutMillis: 10000 });
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
