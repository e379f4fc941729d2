import type { AuditEntity } from '../audit/vocabulary.ts';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import type { Database } from './schema.ts';
import { nowIso } from './values.ts';

/**
 * What writing an entity by its natural key did (`upsert…` functions of the stores, which the
 * workspace sections call): `unchanged` wrote nothing and recorded no audit entry.
 */
export type Upserted = 'created' | 'updated' | 'unchanged';

/** Shallow equality of the fields a writer manages; used to skip no-op updates. */
export function sameFields(row: Record<string, unknown>, next: Record<string, unknown>): boolean {
  return Object.keys(next).every((k) => JSON.stringify(row[k] ?? null) === JSON.stringify(next[k] ?? null));
}

export interface UpsertSpec<T extends keyof Database> {
  table: T;
  /** The natural key: column and value (`code`, `name`, `path` …). */
  key: [column: string, value: string];
  /** The columns the store manages, already checked and converted (without the key). */
  values: Record<string, unknown>;
  /** Columns written only when the row is created (e.g. a generated secret). */
  onCreate?: Record<string, unknown>;
  /** Columns written with every change but not compared (e.g. a next run derived from `values`). */
  derived?: Record<string, unknown>;
  /** Which timestamps the table has (default both created_at and updated_at). */
  timestamps?: 'both' | 'created' | 'none';
  /** The row as stored, for the comparison (e.g. numbers back from PostgreSQL's numeric). */
  compare?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** The audit entity and actions, e.g. `watch_period` and `watch_period.create` / `.update`. */
  entity: AuditEntity;
  actions: { create: string; update: string };
  /** The row as the audit trail shows it (default: as stored). */
  audited?: (row: Record<string, unknown>) => unknown;
}

/**
 * The store's writer by natural key, in the caller's transaction: inserts the row, updates the
 * columns that differ, or leaves a row already as given alone; records the audit entry.
 */
export async function upsertByKey<T extends keyof Database>(trx: Transaction<Database>, actor: Actor, spec: UpsertSpec<T>): Promise<{ outcome: Upserted; row: Record<string, unknown> }> {
  const db = trx as unknown as Kysely<any>;
  const table = spec.table as string;
  const [column, value] = spec.key;
  const show = spec.audited ?? ((r: Record<string, unknown>) => r);
  const stamps = spec.timestamps ?? 'both';
  const before = (await db.selectFrom(table).selectAll().where(column, '=', value).executeTakeFirst()) as Record<string, unknown> | undefined;
  const now = nowIso();
  if (!before) {
    const row = (await db
      .insertInto(table)
      .values({ [column]: value, ...spec.values, ...spec.derived, ...spec.onCreate, ...(stamps !== 'none' ? { created_at: now } : {}), ...(stamps === 'both' ? { updated_at: now } : {}) })
      .returningAll()
      .executeTakeFirstOrThrow()) as Record<string, unknown>;
    await recordAudit(trx, actor, { action: spec.actions.create, entity: spec.entity, entityId: row.id as number, after: show(row) });
    return { outcome: 'created', row };
  }
  if (sameFields(spec.compare ? spec.compare(before) : before, spec.values)) return { outcome: 'unchanged', row: before };
  const after = (await db
    .updateTable(table)
    .set({ ...spec.values, ...spec.derived, ...(stamps === 'both' ? { updated_at: now } : {}) })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  await recordAudit(trx, actor, { action: spec.actions.update, entity: spec.entity, entityId: before.id as number, before: show(before), after: show(after) });
  return { outcome: 'updated', row: after };
}
