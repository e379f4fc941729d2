import type { Selectable, Transaction, Updateable } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { CaseEventTable, CaseTable, Database } from '../db/schema.ts';
import { jsonColumn, nowIso, toJson } from '../db/values.ts';
import { ConflictError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import type { CaseRow } from './access.ts';
import { assertMove, CASE_STATES, TRANSITIONS, type CaseCommand, type CaseState } from './states.ts';
import { CASE_NOTE_KINDS, type CaseEventKind } from './vocabulary.ts';

/**
 * The one way a case changes: inside the caller's transaction, update the case, append its
 * case event, and record the audit trail (before/after). Workflow moves go through `moveCase`,
 * which first checks the transition table and the permission; other changes (routing edits,
 * joined posts, memos, commitments) are logged with `logCaseEvent`.
 */
/** `case_events.data`: what the event concerns, a different object per kind (shown as it is in the case's history). */
export const caseEventDataJson = jsonColumn('case_events.data', z.record(z.string(), z.unknown()));

/** Every kind of case event: the workflow commands and the other changes. */
export const CASE_EVENT_KINDS: readonly [CaseEventKind, ...CaseEventKind[]] = [...CASE_NOTE_KINDS, ...(Object.keys(TRANSITIONS) as CaseCommand[])];

/** A case event (the case history) as stored; `data` is JSON text (`caseEventDataJson`). */
export const caseEventRowSchema = shapeOf<Selectable<CaseEventTable>>()({
  id: z.number(),
  case_id: z.number(),
  at: z.string(),
  actor_id: z.number().nullable(),
  kind: z.enum(CASE_EVENT_KINDS),
  from_state: z.enum(CASE_STATES).nullable(),
  to_state: z.enum(CASE_STATES).nullable(),
  comment: z.string().nullable(),
  data: z.string().nullable().describe('JSON'),
});

export interface CaseEventInput {
  kind: CaseEventKind;
  comment?: string | null;
  data?: Record<string, unknown>;
  fromState?: CaseState | null;
  toState?: CaseState | null;
}

export async function logCaseEvent(trx: Transaction<Database>, actor: Actor, c: CaseRow, ev: CaseEventInput, at = nowIso()): Promise<void> {
  await trx
    .insertInto('case_events')
    .values({
      case_id: c.id,
      at,
      actor_id: actor.id,
      kind: ev.kind,
      from_state: ev.fromState ?? null,
      to_state: ev.toState ?? null,
      comment: ev.comment ?? null,
      data: ev.data === undefined ? null : toJson(ev.data),
    })
    .execute();
}

/** Updates the case row with `patch`, logs the event and the audit entry; returns the new row. */
export async function changeCase(
  trx: Transaction<Database>,
  actor: Actor,
  c: CaseRow,
  patch: Updateable<CaseTable>,
  ev: CaseEventInput,
  auditAction = `case.${ev.kind}`,
): Promise<CaseRow> {
  const at = nowIso();
  // Guarded by the state read before: a concurrent move that got there first makes this a no-op.
  const after = await trx
    .updateTable('cases')
    .set({ ...patch, updated_at: at })
    .where('id', '=', c.id)
    .where('state', '=', c.state)
    .returningAll()
    .executeTakeFirst();
  if (!after) {
    throw new ConflictError(`case ${c.number} changed concurrently`, t('error.conflict', { detail: c.number }));
  }
  await logCaseEvent(trx, actor, c, ev, at);
  await recordAudit(trx, actor, { action: auditAction, entity: 'case', entityId: c.id, before: c, after: { ...after, event: ev.kind, comment: ev.comment ?? undefined, data: ev.data } });
  return after;
}

/** A workflow move from the transition table. The caller has checked department scope. */
export async function moveCase(
  trx: Transaction<Database>,
  actor: Actor,
  c: CaseRow,
  command: CaseCommand,
  patch: Updateable<CaseTable> = {},
  comment: string | null = null,
  data?: Record<string, unknown>,
): Promise<CaseRow> {
  assertCan(actor, TRANSITIONS[command].permission);
  // Re-read under the transaction so two concurrent moves cannot both pass the state check.
  const current = await trx.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
  const to = assertMove(current.state, command);
  return changeCase(trx, actor, current, { ...patch, state: to }, { kind: command, fromState: current.state, toState: to, comment, data });
}
