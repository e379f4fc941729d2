import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, isDepartmentScoped } from '../auth/policy.ts';
import type { CommitmentTable, Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { assertWorksOnCase, canSeeCase, caseDepartmentIds, loadCase, visibleCase, type CaseRow } from './access.ts';
import { COMMITMENT_MOVES, COMMITMENT_STATUSES, type CommitmentCommand } from './commitment-states.ts';
import { logCaseEvent } from './history.ts';
import { assertDepartmentExists } from './open.ts';
import { shapeOf } from '../shapes.ts';
import type { CaseEventKind } from './vocabulary.ts';

/**
 * Commitments (整改承诺): a promised fix with an owner department and a due date, supervised by
 * the office with reminders (see reminders.ts). Done means the result is posted online and
 * linked; only the office may waive one, with a reason, in the audit trail.
 */
export type CommitmentRow = Selectable<CommitmentTable>;

export const commitmentSchema = shapeOf<CommitmentRow>()({
  id: z.number(),
  case_id: z.number(),
  what: z.string(),
  department_id: z.number().nullable(),
  owner_id: z.number().nullable(),
  due_at: z.string(),
  status: z.enum(COMMITMENT_STATUSES),
  done_at: z.string().nullable(),
  result_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  waived_reason: z.string().nullable(),
  waived_by: z.number().nullable(),
});

export const commitmentInput = z.object({
  what: z.string().min(1).max(2000),
  department_id: z.number().int().positive().optional().describe('owner department; default the lead department'),
  owner_id: z.number().int().positive().optional(),
  due_at: z.iso.datetime().describe('ISO-8601 instant'),
});
export const doneInput = z.object({ result_url: z.url({ protocol: /^https?$/ }).max(2000).describe('where the result was posted online'), comment: z.string().max(2000).optional() });
export const waiveInput = z.object({ reason: z.string().min(1).max(2000) });

export async function addCommitment(db: Kysely<Database>, actor: Actor, caseId: number, input: z.infer<typeof commitmentInput>): Promise<CommitmentRow> {
  assertCan(actor, 'commitments.manage');
  const data = commitmentInput.parse(input);
  const c0 = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c0);
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const departmentId = data.department_id ?? c.lead_department_id;
    if (data.department_id !== undefined) await assertCommitmentDepartment(trx, c, data.department_id);
    if (data.owner_id !== undefined) await assertOwner(trx, actor, c, data.owner_id);
    const now = nowIso();
    const row = await trx
      .insertInto('commitments')
      .values({ case_id: caseId, what: data.what, department_id: departmentId, owner_id: data.owner_id ?? null, due_at: new Date(data.due_at).toISOString(), status: 'open', created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await logCaseEvent(trx, actor, c, { kind: 'commitment', data: { commitment_id: row.id, what: row.what, due_at: row.due_at } }, now);
    await recordAudit(trx, actor, { action: 'commitment.create', entity: 'commitment', entityId: row.id, after: row });
    return row;
  });
}

/** The owner department is one responsible for the case (or the office): reminders go to its channels. */
async function assertCommitmentDepartment(trx: Transaction<Database>, c: CaseRow, id: number): Promise<void> {
  await assertDepartmentExists(trx, id);
  if ((await caseDepartmentIds(trx, c)).includes(id) || (await officeDepartmentIds(trx)).includes(id)) return;
  throw new ValidationError(`department ${id} is not responsible for case #${c.id}`, t('case.error.commitmentDepartment'));
}

/**
 * The owner is an active user who may see the case. To a responder or head, someone who may not
 * answers exactly like a missing user; the office is told why.
 */
async function assertOwner(trx: Transaction<Database>, actor: Actor, c: CaseRow, id: number): Promise<void> {
  const user = await trx.selectFrom('users').select(['id', 'display_name', 'role', 'department_id']).where('id', '=', id).where('active', '=', 1).executeTakeFirst();
  const missing = () => new ValidationError(`user ${id} not found`, t('case.error.ownerNotFound', { id }));
  if (!user) throw missing();
  const owner: Actor = { id: user.id, name: user.display_name, role: user.role, departmentId: user.department_id, via: 'api' };
  if (await canSeeCase(trx, owner, c)) return;
  if (isDepartmentScoped(actor)) throw missing();
  throw new ValidationError(`user ${id} may not see case #${c.id}`, t('case.error.ownerCannotSee', { id }));
}

async function loadCommitment(db: Kysely<Database>, id: number): Promise<CommitmentRow> {
  const row = await db.selectFrom('commitments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`commitment ${id}`);
  return row;
}

export async function listCommitments(db: Kysely<Database>, actor: Actor, caseId: number): Promise<CommitmentRow[]> {
  await visibleCase(db, actor, caseId);
  return db.selectFrom('commitments').selectAll().where('case_id', '=', caseId).orderBy('due_at').execute();
}

/** The case event (and audit action) of each command. */
const COMMITMENT_EVENTS: Record<CommitmentCommand, CaseEventKind> = { complete: 'commitment.done', waive: 'commitment.waived' };

/**
 * The one way a commitment changes status: the transition table (commitment-states.ts) must allow
 * `command` from the status read before, and the update is guarded by that status.
 */
async function moveCommitment(db: Kysely<Database>, actor: Actor, id: number, command: CommitmentCommand, patch: Updateable<CommitmentTable>, comment: string | null) {
  const before = await loadCommitment(db, id);
  const c = await visibleCase(db, actor, before.case_id);
  await assertWorksOnCase(db, actor, c);
  const status = COMMITMENT_MOVES.next(before.status, command);
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const after = await trx
      .updateTable('commitments')
      .set({ ...patch, status, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', before.status)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw new ConflictError(`commitment ${id} changed`, t('case.error.commitmentState', { state: '处理' }));
    const kind = COMMITMENT_EVENTS[command];
    await logCaseEvent(trx, actor, c, { kind, comment, data: { commitment_id: id, ...patch } }, now);
    await recordAudit(trx, actor, { action: kind, entity: 'commitment', entityId: id, before, after });
    return after;
  });
}

export async function completeCommitment(db: Kysely<Database>, actor: Actor, id: number, input: z.infer<typeof doneInput>) {
  assertCan(actor, 'commitments.manage');
  const data = doneInput.parse(input);
  return moveCommitment(db, actor, id, 'complete', { done_at: nowIso(), result_url: data.result_url }, data.comment ?? null);
}

export async function waiveCommitment(db: Kysely<Database>, actor: Actor, id: number, input: z.infer<typeof waiveInput>) {
  assertCan(actor, 'commitments.waive');
  const data = waiveInput.parse(input);
  return moveCommitment(db, actor, id, 'waive', { waived_reason: data.reason, waived_by: actor.id }, data.reason);
}
