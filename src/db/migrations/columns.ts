import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/** Column helpers so that one migration reads the same for SQLite and PostgreSQL. */
export function tableWithId(db: Kysely<any>, kind: DbKind, name: string): CreateTableBuilder<string, 'id'> {
  const t = db.schema.createTable(name);
  return kind === 'postgres'
    ? t.addColumn('id', 'serial', (c) => c.primaryKey())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** A floating-point column with full precision on both databases. */
export function realType(kind: DbKind) {
  return kind === 'postgres' ? sql`double precision` : sql`real`;
}

export function blobType(kind: DbKind) {
  return kind === 'postgres' ? sql`bytea` : sql`blob`;
}
