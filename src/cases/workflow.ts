import type { Kysely, Transaction, Updateable } from 'kysely';
import { enqueueNotice } from '../alert/outbox.ts';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { CaseTable, Database } from '../db/schema.ts';
import { jsonColumn, nowIso, num, toJson } from '../db/values.ts';
import { AppError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVELS } from '../levels.ts';
import { assertWorksOnCase, loadCase, visibleCase, type CaseRow } from './access.ts';
import { localDateTime } from '../time/format.ts';
import { answerDeadlines, departmentGeneralHours, isEmergency } from './deadlines.ts';
import { announceEmergencyProposal } from './emergency.ts';
import { changeCase, moveCase } from './history.ts';
import { assertDepartmentExists } from './open.ts';
import { loadCaseSettings } from './settings.ts';
import { ANSWER_PENDING } from './states.ts';
import { ESCALATION_TARGETS } from './vocabulary.ts';

/** Routing, escalation, follow-up, closing and the office's edits of a case. */
export const assignInput = z.object({
  lead_department_id: z.number().int().positive().optional().describe('主办; defaults to the department suggested by analysis'),
  assisting_department_ids: z.array(z.number().int().positive()).max(20).default([]).describe('协办'),
  comment: z.string().max(2000).optional(),
});
export type AssignInput = z.input<typeof assignInput>;

export async function assignCase(db: Kysely<Database>, actor: Actor, caseId: number, input: AssignInput): Promise<CaseRow> {
  assertCan(actor, 'cases.assign');
  const data = assignInput.parse(input);
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const lead = data.lead_department_id ?? c.suggested_department_id ?? c.lead_department_id;
    if (lead === null) throw new ValidationError('no lead department given or suggested', t('case.error.leadRequired'));
    const assisting = [...new Set(data.assisting_department_ids)];
    if (assisting.includes(lead)) throw new ValidationError('lead department is also assisting', t('case.error.leadIsAssisting'));
    for (const id of [lead, ...assisting]) await assertDepartmentExists(trx, id);
    const patch: Updateable<CaseTable> = { lead_department_id: lead, escalated_to: null };
    // The lead department's clock: one that runs 48 hours (or stops running them) re-runs the deadline while no answer is out.
    if (ANSWER_PENDING.includes(c.state) && c.replied_at === null && !isEmergency(c.level, c.emergency === 1)) {
      const d = answerDeadlines(c.opened_at, c.level, false, await loadCaseSettings(trx), await departmentGeneralHours(trx, lead));
      if (d.deadlineAt !== c.deadline_at || d.deadlineKind !== c.deadline_kind) Object.assign(patch, { deadline_at: d.deadlineAt, deadline_kind: d.deadlineKind, overdue: d.deadlineAt < nowIso() ? 1 : 0 });
    }
    const after = await moveCase(trx, actor, c, 'assign', patch, data.comment ?? null, { lead_department_id: lead, assisting_department_ids: assisting });
    await trx.deleteFrom('case_departments').where('case_id', '=', caseId).execute();
    if (assisting.length) await trx.insertInto('case_departments').values(assisting.map((d) => ({ case_id: caseId, department_id: d, role: 'assist' }))).execute();
    // Each responsible department hears of it at once through its own channels.
    const due = after.deadline_at ? localDateTime(after.deadline_at) : '—';
    for (const [dept, role] of [[lead, 'lead'], ...assisting.map((d) => [d, 'assist'] as const)] as const) {
      const title = t(role === 'lead' ? 'notice.case.assigned' : 'notice.case.assisting', { number: after.number, title: after.title, due });
      await enqueueNotice(trx, {
        kind: 'case.assigned',
        key: `case.assigned|case:${after.id}|dept:${dept}|${after.updated_at}`,
        level: after.level,
        title,
        body: after.summary ?? after.title,
        departmentId: dept,
        caseId: after.id,
      });
    }
    return after;
  });
}

export const escalateInput = z.object({
  to: z.enum(ESCALATION_TARGETS).describe('已转办: to the office (coordination) or to a leader (hard case)'),
  reason: z.string().min(1).max(2000),
});

export async function escalateCase(db: Kysely<Database>, actor: Actor, caseId: number, input: z.infer<typeof escalateInput>): Promise<CaseRow> {
  const data = escalateInput.parse(input);
  const c = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c);
  return db.transaction().execute(async (trx) => {
    const patch: Updateable<CaseTable> = data.to === 'leader' ? { escalated_to: 'leader', hard: 1 } : { escalated_to: 'office' };
    const after = await moveCase(trx, actor, await loadCase(trx, caseId), 'escalate', patch, data.reason, { to: data.to });
    const title = t(`notice.case.escalated.${data.to}`, { number: after.number, title: after.title, reason: data.reason });
    await enqueueNotice(trx, {
      kind: 'case.escalated',
      key: `case.escalated|case:${after.id}|${after.updated_at}`,
      level: after.level,
      title,
      body: data.reason,
      departmentId: null,
      caseId: after.id,
      ...(data.to === 'leader' ? { audience: 'leaders' as const } : { officeOnly: true }),
    });
    return after;
  });
}

export const commentInput = z.object({ comment: z.string().max(2000).optional() });

export async function followCase(db: Kysely<Database>, actor: Actor, caseId: number, comment?: string): Promise<CaseRow> {
  const c = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c);
  return db.transaction().execute(async (trx) => moveCase(trx, actor, await loadCase(trx, caseId), 'follow', {}, comment ?? null));
}

/** What is still open on a case when it is closed: unhandled 批示, posted replies not seen on their threads, open commitments. */
export const closeOpenSchema = z.object({
  instructions: z.number().describe('批示 not handled'),
  unverified: z.number().describe('posted replies not yet seen on their threads'),
  commitments: z.number().describe('整改承诺 still open'),
});
export type CloseOpen = z.infer<typeof closeOpenSchema>;
/** `cases.close_open`: what was open when the case was closed with a reason. */
export const closeOpenJson = jsonColumn('cases.close_open', closeOpenSchema);

export async function openAtClose(db: Kysely<Database> | Transaction<Database>, caseId: number): Promise<CloseOpen> {
  const [instructions, unverified, commitments] = await Promise.all([
    db.selectFrom('instructions').innerJoin('memos', 'memos.id', 'instructions.memo_id').select((eb) => eb.fn.countAll().as('n')).where('memos.case_id', '=', caseId).where('instructions.handled_at', 'is', null).executeTakeFirst(),
    db.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('status', '=', 'posted').where('verified_at', 'is', null).executeTakeFirst(),
    db.selectFrom('commitments').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('status', '=', 'open').executeTakeFirst(),
  ]);
  return { instructions: num(instructions?.n), unverified: num(unverified?.n), commitments: num(commitments?.n) };
}

/** The open items as people read them: "1 条领导批示未办理、1 条回复未在原帖核实". */
export function describeOpen(open: CloseOpen): string {
  const parts: string[] = [];
  if (open.instructions) parts.push(t('case.open.instructions', { count: open.instructions }));
  if (open.unverified) parts.push(t('case.open.unverified', { count: open.unverified }));
  if (open.commitments) parts.push(t('case.open.commitments', { count: open.commitments }));
  return parts.join('、');
}

export const closeInput = z.object({
  comment: z.string().max(2000).optional(),
  reason: z.string().max(2000).optional().describe('required when a 批示 is unhandled, a posted reply is unverified or a commitment is open; the ledger shows it'),
});

/**
 * Closing (办结). A case with an unhandled 批示, a posted reply not seen on its thread, or an open
 * commitment closes only with a reason (answered 409 `close_needs_reason`, with what is open, when
 * none is given); the reason and what was open stay on the case for the ledger. The 批示 are then
 * marked handled with the close; open commitments stay open and keep being supervised.
 */
export async function closeCase(db: Kysely<Database>, actor: Actor, caseId: number, input: z.input<typeof closeInput> = {}): Promise<CaseRow> {
  const data = closeInput.parse(input);
  const c = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c);
  if (actor.role === 'head' && c.lead_department_id !== actor.departmentId) {
    throw new AppError(`${actor.name} heads an assisting department of case #${c.id}`, 403, 'forbidden', t('case.error.notYourCase'));
  }
  return db.transaction().execute(async (trx) => {
    const open = await openAtClose(trx, caseId);
    const anything = open.instructions + open.unverified + open.commitments > 0;
    const reason = data.reason?.trim() || null;
    if (anything && !reason) {
      throw new AppError(`case ${c.number} has open items: ${JSON.stringify(open)}`, 409, 'close_needs_reason', t('case.error.closeNeedsReason', { open: describeOpen(open) }), open);
    }
    const now = nowIso();
    const patch = anything ? { closed_at: now, close_reason: reason, close_open: toJson(open) } : { closed_at: now, close_reason: null, close_open: null };
    // The history says what was open and why the case closed anyway.
    const note = [data.comment?.trim(), anything ? t('case.note.closedWithOpen', { open: describeOpen(open), reason: reason ?? '' }) : null].filter(Boolean).join('\n') || null;
    const after = await moveCase(trx, actor, await loadCase(trx, caseId), 'close', patch, note, anything ? { open, reason } : undefined);
    const memoIds = trx.selectFrom('memos').select('id').where('case_id', '=', caseId);
    await trx.updateTable('instructions').set({ handled_at: now }).where('memo_id', 'in', memoIds).where('handled_at', 'is', null).execute();
    return after;
  });
}

export const updateCaseInput = z.object({
  title: z.string().min(1).max(300).optional(),
  summary: z.string().max(5000).nullable().optional(),
  level: z.enum(RISK_LEVELS).optional(),
  emergency: z.boolean().optional(),
  hard: z.boolean().optional().describe('a hard case: replies are approved by a leader'),
});

/** The office edits the facts of a case; a new level or emergency flag re-runs the deadline while no answer is out. */
export async function updateCase(db: Kysely<Database>, actor: Actor, caseId: number, input: z.infer<typeof updateCaseInput>): Promise<CaseRow> {
  assertCan(actor, 'cases.assign');
  const data = updateCaseInput.parse(input);
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const patch: Record<string, unknown> = {};
    if (data.title !== undefined) patch.title = data.title;
    if (data.summary !== undefined) patch.summary = data.summary;
    if (data.level !== undefined) patch.level = data.level;
    // Confirming the emergency clocks or setting them aside settles the proposal; raising a case to 重大 proposes them.
    if (data.emergency !== undefined) Object.assign(patch, { emergency: data.emergency ? 1 : 0, emergency_proposed: 0 });
    else if (data.level !== undefined && levelRank(data.level) >= levelRank('orange') && levelRank(c.level) < levelRank('orange') && c.emergency === 0) patch.emergency_proposed = 1;
    if (data.hard !== undefined) patch.hard = data.hard ? 1 : 0;
    // Raised to 重大 or above: a hard case (leader approval), as at opening, unless the office says otherwise.
    else if (data.level !== undefined && levelRank(data.level) >= levelRank('orange')) patch.hard = 1;
    const level = data.level ?? c.level;
    const emergency = data.emergency ?? c.emergency === 1;
    if ((data.level !== undefined || data.emergency !== undefined) && ANSWER_PENDING.includes(c.state) && c.replied_at === null) {
      const d = answerDeadlines(c.opened_at, level, emergency, await loadCaseSettings(trx), await departmentGeneralHours(trx, c.lead_department_id));
      Object.assign(patch, { deadline_at: d.deadlineAt, deadline_kind: d.deadlineKind, press_deadline_at: d.pressDeadlineAt, overdue: d.deadlineAt < nowIso() ? 1 : 0 });
    }
    const after = await changeCase(trx, actor, c, patch, { kind: 'update', data: patch });
    if (patch.emergency_proposed === 1) await announceEmergencyProposal(trx, after);
    return after;
  });
}

/** Records the press conference of an emergency (the 24-hour clock). */
export async function recordPressConference(db: Kysely<Database>, actor: Actor, caseId: number, input: { held_at?: string; comment?: string }): Promise<CaseRow> {
  assertCan(actor, 'cases.assign');
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    if (!isEmergency(c.level, c.emergency === 1)) throw new ValidationError('not an emergency', t('case.error.pressNotEmergency'));
    const at = input.held_at ? new Date(input.held_at).toISOString() : nowIso();
    return changeCase(trx, actor, c, { press_held_at: at }, { kind: 'press_conference', comment: input.comment ?? null, data: { held_at: at } });
  });
}
export const pressInput = z.object({ held_at: z.iso.datetime().optional(), comment: z.string().max(2000).optional() });
