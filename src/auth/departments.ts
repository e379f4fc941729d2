import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Database, DepartmentTable } from '../db/schema.ts';
import { upsertByKey, type Upserted } from '../db/upsert.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { assertCan } from './policy.ts';
import type { Selectable } from 'kysely';
import { shapeOf } from '../shapes.ts';

export type Department = Selectable<DepartmentTable>;

/** A department as the API sends it. */
export const departmentSchema = shapeOf<Department>()({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  is_office: z.number().describe('1: the office (办公室)'),
  general_hours: z.number().describe('1: its cases run the 48-hour clock (国办发〔2016〕61号) instead of the same-working-day rule'),
  created_at: z.string(),
  updated_at: z.string(),
});

export const departmentInput = z.object({
  code: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'code: letters, digits, _ . - only'),
  name: z.string().min(1).max(100),
  phone: z.string().max(40).nullable().optional(),
  is_office: z.boolean().optional(),
  /** Its cases run the 48-hour clock instead of the same-working-day rule (issue 18: per department, not only globally). */
  general_hours: z.boolean().optional(),
});
export type DepartmentInput = z.infer<typeof departmentInput>;

export async function listDepartments(db: Kysely<Database>): Promise<Department[]> {
  return db.selectFrom('departments').selectAll().orderBy('code').execute();
}

export async function officeDepartmentIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute();
  return rows.map((r) => r.id);
}

export async function createDepartment(db: Kysely<Database>, actor: Actor, input: DepartmentInput): Promise<Department> {
  assertCan(actor, 'departments.manage');
  const data = departmentInput.parse(input);
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('departments').select('id').where('code', '=', data.code).executeTakeFirst();
    if (exists) throw new ConflictError(`department ${data.code} exists`, `部门编码“${data.code}”已存在`);
    const now = nowIso();
    const row = await trx
      .insertInto('departments')
      .values({ code: data.code, name: data.name, phone: data.phone ?? null, is_office: data.is_office ? 1 : 0, general_hours: data.general_hours ? 1 : 0, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'department.create', entity: 'department', entityId: row.id, after: row });
    return row;
  });
}

export async function updateDepartment(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<DepartmentInput>): Promise<Department> {
  assertCan(actor, 'departments.manage');
  const data = departmentInput.partial().parse(patch);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`department ${id}`);
    const set: Partial<Department> = { updated_at: nowIso() };
    if (data.code !== undefined) set.code = data.code;
    if (data.name !== undefined) set.name = data.name;
    if (data.phone !== undefined) set.phone = data.phone ?? null;
    if (data.is_office !== undefined) set.is_office = data.is_office ? 1 : 0;
    if (data.general_hours !== undefined) set.general_hours = data.general_hours ? 1 : 0;
    const after = await trx.updateTable('departments').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'department.update', entity: 'department', entityId: id, before, after });
    return after;
  });
}

/** The department of this code made to be exactly `input`, in the caller's transaction (`workspace apply`). */
export async function upsertDepartmentByCode(trx: Transaction<Database>, actor: Actor, input: DepartmentInput): Promise<Upserted> {
  assertCan(actor, 'departments.manage');
  const data = departmentInput.parse(input);
  const values = { name: data.name, phone: data.phone ?? null, is_office: data.is_office ? 1 : 0, general_hours: data.general_hours ? 1 : 0 };
  return (await upsertByKey(trx, actor, { table: 'departments', key: ['code', data.code], values, entity: 'department', actions: { create: 'department.create', update: 'department.update' } })).outcome;
}
