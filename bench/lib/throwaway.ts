import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbKindOf } from '../../src/db/connect.ts';

export interface Fresh {
  url: string;
  drop(): Promise<void>;
}

/**
 * A throwaway database for a benchmark: a new database `<prefix>_<random>` on the PostgreSQL
 * server of `base` (dropped by `drop`), the SQLite file `base` (which must not exist yet), or a
 * SQLite file in a new temp directory when `base` is empty.
 */
export async function freshDatabase(base: string, prefix = 'minsheng_bench'): Promise<Fresh> {
  if (dbKindOf(base) === 'postgres') {
    const pg = (await import('pg')).default;
    const name = `${prefix}_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  if (base) {
    if (existsSync(base)) throw new Error(`${base} exists; give a path for a fresh SQLite file`);
    return { url: base, drop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  return { url: join(dir, 'bench.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resident memory of a process in MB (Linux /proc), or null once it has gone. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
