import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './connect.ts';
import { migrations } from './migrations/index.ts';

class StaticProvider implements MigrationProvider {
  constructor(private readonly db: Db) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, mod] of Object.entries(migrations)) {
      out[name] = { up: (k) => mod.up(k, this.db.kind) };
    }
    return out;
  }
}

export class MigrationError extends Error {}

/** Brings the schema up to date; returns the names applied in this call. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticProvider(db), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The schema version: the name of the newest applied migration and the count. */
export async function schemaVersion(db: Db): Promise<{ version: string | null; applied: number; latest: string }> {
  const migrator = new Migrator({ db: db.kysely, provider: new StaticProvider(db), allowUnorderedMigrations: true });
  const all = await migrator.getMigrations();
  const applied = all.filter((m) => m.executedAt);
  const names = Object.keys(migrations).sort();
  return { version: applied.length ? applied[applied.length - 1].name : null, applied: applied.length, latest: names[names.length - 1] };
}
