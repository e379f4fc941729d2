import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Db, type DbKind } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export interface TestDatabase {
  kind: DbKind;
  /** A fresh, empty, migrated database; call `drop` when done. */
  create(): Promise<{ db: Db; url: string; drop(): Promise<void> }>;
}

/** A connection string for a brand-new database (not migrated), and how to remove it. */
export async function freshDatabaseUrl(kind: DbKind): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-test-'));
    return { url: join(dir, 'test.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const pg = await import('pg');
  const name = `minsheng_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.default.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.default.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A migrated, empty SQLite file made once per test process: each new SQLite test database starts as
 * a copy of it (migrating takes far longer than copying). The copy is still brought up to date like
 * any workspace, which finds nothing to do.
 */
let sqliteTemplate: Promise<string> | null = null;
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-test-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'template.db');
    const db = await openDatabase(path);
    try {
      await migrateToLatest(db);
    } finally {
      // closing the last connection folds the write-ahead log into the file
      await db.close();
    }
    return path;
  })();
  return sqliteTemplate;
}

/**
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI). TEST_ONLY_POSTGRES=1 leaves
 * SQLite out (the Node 22 pass in CI, where better-sqlite3 is built for the machine's Node 20).
 */
export const testDatabases: TestDatabase[] = (['sqlite', 'postgres'] as DbKind[])
  .filter((k) => (k === 'sqlite' ? !process.env.TEST_ONLY_POSTGRES : !!process.env.TEST_DATABASE_URL))
  .map((kind) => ({
    kind,
    async create() {
      const fresh = await freshDatabaseUrl(kind);
      if (kind === 'sqlite') copyFileSync(await migratedSqliteTemplate(), fresh.url);
      const db = await openDatabase(fresh.url);
      await migrateToLatest(db);
      return {
        db,
        url: fresh.url,
        drop: async () => {
          await db.close().catch(() => undefined);
          await fresh.drop();
        },
      };
    },
  }));
