import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database, NamedDateTable } from '../db/schema.ts';
import { upsertByKey, type Upserted } from '../db/upsert.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';

/**
 * The workspace's own named dates (an estate's opening sale, a 文明城市 inspection, a local
 * anniversary): they annotate peaks in the trend beside the holidays and watch periods.
 * `yearly` dates recur on the same month-day every year.
 */
export type NamedDateRow = Selectable<NamedDateTable>;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

export const namedDateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    starts_on: date,
    ends_on: date.optional(),
    yearly: z.boolean().default(false),
    note: z.string().max(500).nullable().optional(),
  })
  .strict()
  .refine((d) => !d.ends_on || d.ends_on >= d.starts_on, { message: 'ends_on is before starts_on', path: ['ends_on'] })
  .refine((d) => !d.ends_on || Date.parse(d.ends_on) - Date.parse(d.starts_on) <= 366 * 86_400_000, { message: 'a named date spans at most a year', path: ['ends_on'] });
export type NamedDateInput = z.input<typeof namedDateInput>;

function parse(input: unknown) {
  const r = namedDateInput.safeParse(input);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid named date: ${detail}`, t('report.error.namedDate', { detail }));
  }
  return r.data;
}

export const namedDateSchema = shapeOf<NamedDateRow>()({
  id: z.number(),
  name: z.string(),
  starts_on: z.string(),
  ends_on: z.string(),
  yearly: z.number(),
  note: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export async function listNamedDates(db: Kysely<Database>, actor: Actor): Promise<NamedDateRow[]> {
  assertCan(actor, 'reports.read');
  return db.selectFrom('named_dates').selectAll().orderBy('starts_on').execute();
}

export async function createNamedDate(db: Kysely<Database>, actor: Actor, input: NamedDateInput): Promise<NamedDateRow> {
  assertCan(actor, 'settings.manage');
  const d = parse(input);
  return db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('named_dates').select('id').where('name', '=', d.name).executeTakeFirst()) {
      throw new ConflictError(`named date "${d.name}" exists`, t('error.conflict', { detail: d.name }));
    }
    const now = nowIso();
    const row = await trx
      .insertInto('named_dates')
      .values({ name: d.name, starts_on: d.starts_on, ends_on: d.ends_on ?? d.starts_on, yearly: d.yearly ? 1 : 0, note: d.note ?? null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'named_date.create', entity: 'named_date', entityId: row.id, after: row });
    return row;
  });
}

/** The named date of this name made to be exactly `input`, in the caller's transaction (`workspace apply`). */
export async function upsertNamedDateByName(trx: Transaction<Database>, actor: Actor, input: NamedDateInput): Promise<Upserted> {
  assertCan(actor, 'settings.manage');
  const d = parse(input);
  const values = { starts_on: d.starts_on, ends_on: d.ends_on ?? d.starts_on, yearly: d.yearly ? 1 : 0, note: d.note ?? null };
  return (await upsertByKey(trx, actor, { table: 'named_dates', key: ['name', d.name], values, entity: 'named_date', actions: { create: 'named_date.create', update: 'named_date.update' } })).outcome;
}

export async function deleteNamedDate(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'settings.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('named_dates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`named date ${id}`);
    await trx.deleteFrom('named_dates').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'named_date.delete', entity: 'named_date', entityId: id, before });
  });
}
