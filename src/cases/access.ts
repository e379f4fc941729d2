import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { canSeeDepartment, isDepartmentScoped } from '../auth/policy.ts';
import type { CaseTable, Database } from '../db/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import { RISK_LEVELS } from '../levels.ts';
import { CASE_STATES } from './states.ts';
import { DEADLINE_KINDS, ESCALATION_TARGETS } from './vocabulary.ts';

export type CaseRow = Selectable<CaseTable>;

/** A case (舆情处置单) as stored; what the workflow moves answer. */
export const caseRowSchema = shapeOf<CaseRow>()({
  id: z.number(),
  number: z.string(),
  year: z.number(),
  seq: z.number(),
  title: z.string(),
  summary: z.string().nullable(),
  state: z.enum(CASE_STATES),
  level: z.enum(RISK_LEVELS),
  lead_department_id: z.number().nullable(),
  suggested_department_id: z.number().nullable(),
  suggestion_reasons: z.string().nullable().describe('JSON list'),
  event_id: z.number().nullable(),
  opened_by: z.number().nullable(),
  opened_at: z.string(),
  deadline_at: z.string().nullable(),
  deadline_kind: z.enum(DEADLINE_KINDS).nullable(),
  overdue: z.number(),
  closed_at: z.string().nullable(),
  updated_at: z.string(),
  emergency: z.number(),
  hard: z.number(),
  replied_at: z.string().nullable(),
  press_deadline_at: z.string().nullable(),
  press_held_at: z.string().nullable(),
  escalated_to: z.enum(ESCALATION_TARGETS).nullable(),
  emergency_proposed: z.number().describe('1: a 特别重大/重大 case for which the 5 h / 24 h emergency clocks are proposed, awaiting the office (set emergency true to confirm, false to set aside)'),
  close_reason: z.string().nullable().describe('the reason given for closing while something was still open'),
  close_open: z.string().nullable().describe('JSON: what was still open at closing (closeOpenJson)'),
});
type Q = Kysely<Database> | Transaction<Database>;

/**
 * Who may see and work on a case. Responders and heads see their department's cases (lead or
 * assisting) plus the office's shared ones; they work only on their department's. The office,
 * leaders and admins see everything (what they may do is decided by the permission table).
 */
export async function loadCase(db: Q, id: number): Promise<CaseRow> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`case ${id}`);
  return row;
}

export async function assistingIds(db: Q, caseId: number): Promise<number[]> {
  const rows = await db.selectFrom('case_departments').select('department_id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.department_id);
}

/** The departments responsible for the case: lead first, then the assisting ones. */
export async function caseDepartmentIds(db: Q, c: CaseRow): Promise<number[]> {
  const assisting = await assistingIds(db, c.id);
  return c.lead_department_id === null ? assisting : [c.lead_department_id, ...assisting.filter((d) => d !== c.lead_department_id)];
}

/**
 * The cases an actor sees, as a where clause on `cases` (the ledger, memos, alerts). Responders and
 * heads: lead is theirs, an office's, unassigned, or they assist.
 */
export function caseScope(actor: Actor) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    if (!isDepartmentScoped(actor)) return sql<boolean>`1 = 1`;
    const mine = actor.departmentId ?? -1;
    return eb.or([
      eb('cases.lead_department_id', 'is', null),
      eb('cases.lead_department_id', '=', mine),
      eb('cases.lead_department_id', 'in', eb.selectFrom('departments').select('departments.id').where('departments.is_office', '=', 1)),
      eb.exists(eb.selectFrom('case_departments').select('case_departments.case_id').whereRef('case_departments.case_id', '=', 'cases.id').where('case_departments.department_id', '=', mine)),
    ]);
  };
}

export async function canSeeCase(db: Q, actor: Actor, c: CaseRow): Promise<boolean> {
  if (!isDepartmentScoped(actor)) return true;
  if (canSeeDepartment(actor, c.lead_department_id, await officeDepartmentIds(db))) return true;
  return actor.departmentId !== null && (await assistingIds(db, c.id)).includes(actor.departmentId);
}

/** The refusal names the case by its id only: its number and title stay with those who may see it. */
function notYours(actor: Actor, c: CaseRow): AppError {
  return new AppError(`${actor.name} may not access case #${c.id}`, 403, 'forbidden', t('case.error.notYourCase'));
}

export async function assertSeesCase(db: Q, actor: Actor, c: CaseRow): Promise<void> {
  if (!(await canSeeCase(db, actor, c))) throw notYours(actor, c);
}

/** For changes: a scoped actor must belong to the lead or an assisting department. */
export async function assertWorksOnCase(db: Q, actor: Actor, c: CaseRow): Promise<void> {
  if (!isDepartmentScoped(actor)) return;
  const mine = actor.departmentId !== null && (await caseDepartmentIds(db, c)).includes(actor.departmentId);
  if (!mine) throw notYours(actor, c);
}

/** Loads a case the actor may see (403 otherwise). */
export async function visibleCase(db: Q, actor: Actor, id: number): Promise<CaseRow> {
  const c = await loadCase(db, id);
  await assertSeesCase(db, actor, c);
  return c;
}
