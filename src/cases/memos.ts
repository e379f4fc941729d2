import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { z } from 'zod';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database, InstructionTable, MemoTable } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { DEFAULT_OFFICE_HOURS, localDate, localInstant } from '../time/calendar.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVELS } from '../levels.ts';
import { CASE_STATES } from './states.ts';
import { assertWorksOnCase, caseScope, loadCase, visibleCase, type CaseRow, caseRowSchema } from './access.ts';
import { instructionDue } from './deadlines.ts';
import { logCaseEvent, caseEventRowSchema } from './history.ts';
import { memoDocx } from './memo-docx.ts';
import { loadCaseSettings } from './settings.ts';
import { shapeOf } from '../shapes.ts';

/**
 * Memos (《网络舆情抄告单》) the office sends to leaders, and the leaders' 批示 (instructions).
 * Each instruction starts its own 3-working-day clock. Every memo change and instruction is a
 * case event (with before/after), so the memo's history is kept.
 */
export const memoInput = z.object({
  summary: z.string().min(1).max(5000).optional().describe('defaults to the case summary'),
  analysis: z.string().max(5000).optional(),
  suggestion: z.string().max(5000).optional().describe('拟办意见: the handling proposed to the leaders'),
  office_opinion: z.string().max(5000).optional(),
  department_id: z.number().int().positive().nullable().optional().describe("承办科室; defaults to the case's lead department"),
  due_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional()
    .describe('办理时限 as a workspace date (the end of its office day); absent: the 批示 clock (3 working days after the 批示) is printed'),
});
export const memoPatch = memoInput.extend({ sent: z.boolean().optional().describe('mark the memo as sent to the leaders: 签发 by the sender, now') });

/** A date people give as 办理时限: the end of its office day, stored as an instant. */
function dueAtOf(date: string | null | undefined): string | null | undefined {
  if (date === undefined) return undefined;
  return date === null ? null : localInstant(date, DEFAULT_OFFICE_HOURS.end).toISOString();
}

/**
 * The memo's 期号 within its year (〔2026〕第 3 期): one atomic upsert of the year's counter in the
 * creating transaction (as case numbers, numbering.ts), never behind the highest issued.
 */
async function nextMemoIssue(trx: Transaction<Database>, at: string): Promise<{ year: number; no: number }> {
  const year = Number(localDate(at).slice(0, 4));
  const used = sql<number>`coalesce((select max(m.issue_no) from memos m where m.issue_year = ${year}), 0)`;
  const row = await trx
    .insertInto('memo_counters')
    .values({ year, last_seq: sql<number>`${used} + 1` })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_seq: sql<number>`(case when memo_counters.last_seq >= ${used} then memo_counters.last_seq else ${used} end) + 1` }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return { year, no: Number(row.last_seq) };
}

export async function createMemo(db: Kysely<Database>, actor: Actor, caseId: number, input: z.infer<typeof memoInput>) {
  assertCan(actor, 'memos.create');
  const data = memoInput.parse(input);
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const n = await trx.selectFrom('memos').select('id').where('case_id', '=', caseId).execute();
    const now = nowIso();
    if (data.department_id != null) await assertDepartment(trx, data.department_id);
    const issue = await nextMemoIssue(trx, now);
    const row = await trx
      .insertInto('memos')
      .values({
        case_id: caseId,
        number: `${c.number}-${n.length + 1}`,
        summary: data.summary ?? c.summary ?? c.title,
        analysis: data.analysis ?? null,
        suggestion: data.suggestion ?? null,
        office_opinion: data.office_opinion ?? null,
        issue_year: issue.year,
        issue_no: issue.no,
        department_id: data.department_id === undefined ? c.lead_department_id : data.department_id,
        due_at: dueAtOf(data.due_date) ?? null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await logCaseEvent(trx, actor, c, { kind: 'memo', data: { memo_id: row.id, number: row.number } }, now);
    await recordAudit(trx, actor, { action: 'memo.create', entity: 'memo', entityId: row.id, after: row });
    return row;
  });
}

type Q = Kysely<Database> | Transaction<Database>;

async function assertDepartment(db: Q, id: number): Promise<void> {
  const d = await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst();
  if (!d) throw new ValidationError(`department ${id} does not exist`, t('memo.error.department'));
}

/** A memo (抄告单) as stored. */
export const memoRowSchema = shapeOf<Selectable<MemoTable>>()({
  id: z.number(),
  case_id: z.number(),
  number: z.string(),
  summary: z.string(),
  analysis: z.string().nullable(),
  suggestion: z.string().nullable(),
  office_opinion: z.string().nullable(),
  created_by: z.number().nullable(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
  updated_at: z.string().nullable(),
  issue_year: z.number().nullable(),
  issue_no: z.number().nullable().describe('期号 within issue_year'),
  department_id: z.number().nullable().describe('承办科室'),
  due_at: z.string().nullable().describe('办理时限'),
  signed_by: z.number().nullable().describe('签发: who signed it off when it was sent'),
  signed_at: z.string().nullable(),
});

/** A leader's 批示 as stored. */
export const instructionRowSchema = shapeOf<Selectable<InstructionTable>>()({
  id: z.number(),
  memo_id: z.number(),
  leader_id: z.number().nullable(),
  text: z.string(),
  at: z.string(),
  due_at: z.string().nullable(),
  handled_at: z.string().nullable(),
});

/** A memo with its case, its 批示 (with the leader's name) and its part of the case history. */
export const memoDetailSchema = shapeOf<MemoDetail>()({
  ...memoRowSchema.shape,
  case: caseRowSchema,
  instructions: z.array(
    shapeOf<MemoDetail['instructions'][number]>()({
      id: z.number(),
      text: z.string(),
      at: z.string(),
      due_at: z.string().nullable(),
      handled_at: z.string().nullable(),
      leader_id: z.number().nullable(),
      leader_name: z.string().nullable(),
    }),
  ),
  history: z.array(caseEventRowSchema),
});

/** A memo in the list, with its case's number, title, level and state and its 批示. */
export const memoListItemSchema = shapeOf<Awaited<ReturnType<typeof listMemos>>[number]>()({
  ...memoRowSchema.shape,
  case_number: z.string(),
  case_title: z.string(),
  case_level: z.enum(RISK_LEVELS),
  case_state: z.enum(CASE_STATES),
  signed_by_name: z.string().nullable().describe('签发: who sent it'),
  instructions: z.array(instructionRowSchema.extend({ leader_name: z.string().nullable() })),
});

async function loadMemo(db: Q, id: number) {
  const row = await db.selectFrom('memos').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`memo ${id}`);
  return row;
}

export type MemoDetail = Awaited<ReturnType<typeof getMemo>>;

export async function getMemo(db: Q, actor: Actor, id: number) {
  const memo = await loadMemo(db, id);
  const c = await visibleCase(db, actor, memo.case_id);
  const instructions = await db
    .selectFrom('instructions')
    .leftJoin('users', 'users.id', 'instructions.leader_id')
    .select(['instructions.id', 'instructions.text', 'instructions.at', 'instructions.due_at', 'instructions.handled_at', 'instructions.leader_id', 'users.display_name as leader_name'])
    .where('memo_id', '=', id)
    .orderBy('instructions.id')
    .execute();
  const history = await db
    .selectFrom('case_events')
    .selectAll()
    .where('case_id', '=', memo.case_id)
    .where('kind', 'in', ['memo', 'memo.update', 'instruction', 'instruction.handled'])
    .orderBy('id')
    .execute();
  return { ...memo, case: c, instructions, history: history.filter((h) => (h.data ?? '').includes(`"memo_id":${id}`)) };
}

export async function updateMemo(db: Kysely<Database>, actor: Actor, id: number, input: z.infer<typeof memoPatch>) {
  assertCan(actor, 'memos.create');
  const data = memoPatch.parse(input);
  const before = await loadMemo(db, id);
  return db.transaction().execute(async (trx) => {
    const { sent, due_date, ...rest } = data;
    if (rest.department_id != null) await assertDepartment(trx, rest.department_id);
    const fields = { ...rest, ...(due_date !== undefined ? { due_at: dueAtOf(due_date) } : {}) };
    const changed = Object.entries(fields).some(([k, v]) => v !== undefined && v !== (before as Record<string, unknown>)[k]);
    if (!changed && !(sent && !before.sent_at)) return before;
    const now = nowIso();
    const after = await trx
      .updateTable('memos')
      .set({ ...fields, ...(sent && !before.sent_at ? { sent_at: now, signed_by: actor.id, signed_at: now } : {}), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const c = await loadCase(trx, before.case_id);
    await logCaseEvent(trx, actor, c, { kind: 'memo.update', data: { memo_id: id, before, after } }, now);
    await recordAudit(trx, actor, { action: 'memo.update', entity: 'memo', entityId: id, before, after });
    if (sent && !before.sent_at) await sendToLeaders(trx, actor, c, after);
    return after;
  });
}

export const instructionInput = z.object({ text: z.string().min(1).max(5000) });

/** A leader records a 批示 on the memo; its clock starts now. */
export async function recordInstruction(db: Kysely<Database>, actor: Actor, memoId: number, text: string) {
  assertCan(actor, 'memos.instruct');
  const memo = await loadMemo(db, memoId);
  await visibleCase(db, actor, memo.case_id);
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const row = await trx
      .insertInto('instructions')
      .values({ memo_id: memoId, leader_id: actor.id, text, at: now, due_at: instructionDue(now, await loadCaseSettings(trx)) })
      .returningAll()
      .executeTakeFirstOrThrow();
    const c = await loadCase(trx, memo.case_id);
    await logCaseEvent(trx, actor, c, { kind: 'instruction', comment: text, data: { memo_id: memoId, instruction_id: row.id, due_at: row.due_at } }, now);
    await recordAudit(trx, actor, { action: 'instruction.create', entity: 'instruction', entityId: row.id, after: row });
    return row;
  });
}

/** The office (or the lead department) reports the 批示 handled, stopping its clock. */
export async function handleInstruction(db: Kysely<Database>, actor: Actor, id: number, comment?: string) {
  assertCan(actor, 'cases.follow');
  const row = await db.selectFrom('instructions').innerJoin('memos', 'memos.id', 'instructions.memo_id').select(['instructions.id', 'instructions.handled_at', 'memos.case_id', 'memos.id as memo_id']).where('instructions.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`instruction ${id}`);
  const c = await visibleCase(db, actor, row.case_id);
  await assertWorksOnCase(db, actor, c);
  if (row.handled_at) throw new ConflictError(`instruction ${id} handled`, t('case.error.instructionHandled'));
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const after = await trx.updateTable('instructions').set({ handled_at: now }).where('id', '=', id).where('handled_at', 'is', null).returningAll().executeTakeFirst();
    if (!after) throw new ConflictError(`instruction ${id} handled`, t('case.error.instructionHandled'));
    await logCaseEvent(trx, actor, c, { kind: 'instruction.handled', comment: comment ?? null, data: { memo_id: row.memo_id, instruction_id: id } }, now);
    await recordAudit(trx, actor, { action: 'instruction.handled', entity: 'instruction', entityId: id, after });
    return after;
  });
}

/**
 * Sending a memo: the Word form is kept as an attachment of the memo and goes to the leaders'
 * channels (e-mail attaches it, the others link to it), once per memo.
 */
async function sendToLeaders(trx: Transaction<Database>, actor: Actor, c: CaseRow, memo: { id: number; number: string; summary: string }): Promise<void> {
  const { buffer, filename } = await memoDocx(trx, await getMemo(trx, actor, memo.id));
  const file = await trx
    .insertInto('attachments')
    .values({ owner_type: 'memo', owner_id: memo.id, filename, mime: DOCX_MIME, size: buffer.length, data: buffer, created_by: actor.id, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const title = t('notice.memo.sent', { number: memo.number, title: c.title });
  await enqueueNotice(trx, {
    kind: 'memo.sent',
    key: `memo.sent|${memo.id}`,
    level: c.level,
    title,
    body: memo.summary,
    departmentId: null,
    audience: 'leaders',
    caseId: c.id,
    attachmentId: file.id,
  });
}

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const memoListQuery = z.object({
  pending: z.enum(['0', '1', 'true', 'false']).optional().describe('only memos without a 批示 yet'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Memos across cases, newest first, within the actor's case scope: what leaders read and instruct on. */
export async function listMemos(db: Kysely<Database>, actor: Actor, input: z.input<typeof memoListQuery>) {
  assertCan(actor, 'cases.read');
  const q = memoListQuery.parse(input);
  let query = db
    .selectFrom('memos')
    .innerJoin('cases', 'cases.id', 'memos.case_id')
    .leftJoin('users', 'users.id', 'memos.signed_by')
    .selectAll('memos')
    .select(['cases.number as case_number', 'cases.title as case_title', 'cases.level as case_level', 'cases.state as case_state', 'users.display_name as signed_by_name'])
    .where(caseScope(actor))
    .orderBy('memos.created_at', 'desc')
    .orderBy('memos.id', 'desc')
    .limit(q.limit);
  if (q.pending === '1' || q.pending === 'true') query = query.where((eb) => eb.not(eb.exists(eb.selectFrom('instructions').select('instructions.id').whereRef('instructions.memo_id', '=', 'memos.id'))));
  const memos = await query.execute();
  const instructions = memos.length
    ? await db
        .selectFrom('instructions')
        .leftJoin('users', 'users.id', 'instructions.leader_id')
        .selectAll('instructions')
        .select('users.display_name as leader_name')
        .where('instructions.memo_id', 'in', memos.map((m) => m.id))
        .orderBy('instructions.id')
        .execute()
    : [];
  return memos.map((m) => ({ ...m, instructions: instructions.filter((i) => i.memo_id === m.id) }));
}
