import type { Transaction } from 'kysely';
import { localDateTime } from '../time/format.ts';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import { systemActor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { isRiskLevel, type RiskLevel } from '../levels.ts';
import type { CaseRow } from './access.ts';
import { reminderLeadMs } from './deadlines.ts';
import { logCaseEvent } from './history.ts';
import { loadCaseSettings, type CaseSettings } from './settings.ts';
import { ANSWER_PENDING } from './states.ts';

/**
 * The deadline watch, run periodically: a reminder before each deadline and an overdue alert
 * after it, through the department's channels (the office's channels see everything). Keys
 * name the case, the clock and the deadline, so each reminder goes out once even when the
 * task runs every minute, and a moved deadline gets its own reminder. Overdue cases are marked.
 */
export interface DeadlineRun {
  reminders: number;
  overdue: number;
  marked: number[];
}

function levelOf(c: CaseRow): RiskLevel {
  return isRiskLevel(c.level) ? c.level : 'blue';
}

async function markOverdue(trx: Transaction<Database>, c: CaseRow, kind: string, dueAt: string, run: DeadlineRun): Promise<void> {
  if (c.overdue === 1) return;
  const done = await trx.updateTable('cases').set({ overdue: 1 }).where('id', '=', c.id).where('overdue', '=', 0).executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) return;
  await logCaseEvent(trx, systemActor, c, { kind: 'overdue', data: { clock: kind, due_at: dueAt } });
  await recordAudit(trx, systemActor, { action: 'case.overdue', entity: 'case', entityId: c.id, before: { overdue: 0 }, after: { overdue: 1, clock: kind, due_at: dueAt } });
  run.marked.push(c.id);
}

/** One clock of one case: remind before, alert and mark after. */
async function watchClock(
  trx: Transaction<Database>,
  c: CaseRow,
  clock: string,
  dueAt: string,
  leadMs: number,
  now: Date,
  run: DeadlineRun,
  text: { soon: string; late: string; departmentId: number | null; key: string },
): Promise<void> {
  const due = Date.parse(dueAt);
  if (due <= now.getTime()) {
    await markOverdue(trx, c, clock, dueAt, run);
    const ids = await enqueueNotice(trx, { kind: 'case.overdue', key: `case.overdue|${text.key}|${dueAt}`, level: levelOf(c), title: text.late, body: text.late, departmentId: text.departmentId, caseId: c.id });
    run.overdue += ids.length;
  } else if (due - leadMs <= now.getTime()) {
    const ids = await enqueueNotice(trx, { kind: 'case.deadline', key: `case.deadline|${text.key}|${dueAt}`, level: levelOf(c), title: text.soon, body: text.soon, departmentId: text.departmentId, caseId: c.id });
    run.reminders += ids.length;
  }
}

function caseTexts(c: CaseRow, clock: string, dueAt: string) {
  const vars = { number: c.number, title: c.title, kind: t(`case.deadline.${clock}`), due: localDateTime(dueAt) };
  return { soon: t('notice.case.deadlineSoon', vars), late: t('notice.case.overdue', vars), departmentId: c.lead_department_id, key: `case:${c.id}|${clock}` };
}

export async function checkDeadlines(ctx: AppContext, now: Date = new Date()): Promise<DeadlineRun> {
  const db = ctx.db.kysely;
  const settings: CaseSettings = await loadCaseSettings(db);
  const run: DeadlineRun = { reminders: 0, overdue: 0, marked: [] };
  const horizon = new Date(now.getTime() + Math.max(settings.reminder_minutes, settings.emergency_reminder_minutes) * 60_000).toISOString();

  // A case drafting a follow-up reply after its first answer owes nothing on the answer clock.
  const answering = await db
    .selectFrom('cases')
    .selectAll()
    .where('state', 'in', [...ANSWER_PENDING])
    .where('replied_at', 'is', null)
    // Marked overdue = its overdue alert went out in the same transaction; nothing left to send.
    .where('overdue', '=', 0)
    .where('deadline_at', '<=', horizon)
    .execute();
  for (const c of answering) {
    await db.transaction().execute((trx) => watchClock(trx, c, c.deadline_kind ?? 'same_day', c.deadline_at!, reminderLeadMs(c.deadline_kind ?? '', settings), now, run, caseTexts(c, c.deadline_kind ?? 'same_day', c.deadline_at!)));
  }

  const press = await db
    .selectFrom('cases')
    .selectAll()
    .where('emergency', '=', 1)
    .where('press_held_at', 'is', null)
    .where('state', '!=', 'closed')
    .where('press_deadline_at', '<=', horizon)
    .execute();
  for (const c of press) {
    await db.transaction().execute((trx) => watchClock(trx, c, 'press_24h', c.press_deadline_at!, reminderLeadMs('press_24h', settings), now, run, caseTexts(c, 'press_24h', c.press_deadline_at!)));
  }

  const instructions = await db
    .selectFrom('instructions')
    .innerJoin('memos', 'memos.id', 'instructions.memo_id')
    .select(['instructions.id', 'instructions.due_at', 'memos.case_id'])
    .where('instructions.handled_at', 'is', null)
    .where('instructions.due_at', '<=', horizon)
    .execute();
  for (const i of instructions) {
    await db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('cases').selectAll().where('id', '=', i.case_id).executeTakeFirstOrThrow();
      if (c.state === 'closed') return;
      const vars = { number: c.number, due: localDateTime(i.due_at!) };
      await watchClock(trx, c, 'instruction_3d', i.due_at!, settings.reminder_minutes * 60_000, now, run, {
        soon: t('notice.instruction.dueSoon', vars),
        late: t('notice.instruction.overdue', vars),
        departmentId: c.lead_department_id,
        key: `instruction:${i.id}`,
      });
    });
  }

  const commitmentHorizon = new Date(now.getTime() + settings.commitment_reminder_days * 86_400_000).toISOString();
  const commitments = await db.selectFrom('commitments').selectAll().where('status', '=', 'open').where('due_at', '<=', commitmentHorizon).execute();
  for (const m of commitments) {
    await db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('cases').selectAll().where('id', '=', m.case_id).executeTakeFirstOrThrow();
      const vars = { number: c.number, what: m.what, due: localDateTime(m.due_at) };
      const due = Date.parse(m.due_at);
      const late = due <= now.getTime();
      const kind = late ? 'case.overdue' : 'case.deadline';
      const title = t(late ? 'notice.commitment.overdue' : 'notice.commitment.dueSoon', vars);
      const ids = await enqueueNotice(trx, { kind, key: `${kind}|commitment:${m.id}|${m.due_at}`, level: levelOf(c), title, body: title, departmentId: m.department_id ?? c.lead_department_id, caseId: c.id });
      if (late) run.overdue += ids.length;
      else run.reminders += ids.length;
    });
  }
  return run;
}
