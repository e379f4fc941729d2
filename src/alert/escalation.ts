import type { Selectable } from 'kysely';
import type { AppContext } from '../context.ts';
import type { AlertTable } from '../db/schema.ts';
import type { CaseState } from '../cases/states.ts';
import { ANSWER_PENDING } from '../cases/states.ts';
import { nowIso } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVEL_LABELS, RISK_LEVELS, type RiskLevel } from '../levels.ts';
import { localDateTime } from '../time/format.ts';
import { enqueueNotice } from './outbox.ts';
import { attentionOf, ATTENTION_MOVES } from './states.ts';
import { ESCALATION_SEPARATOR } from './vocabulary.ts';
import { loadAlertSettings } from './settings.ts';

/** Lists cut to a size every database takes in one `in (…)`. */
function chunks<T>(list: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

interface DueMatter {
  matter: string;
  level: RiskLevel;
  title: string;
  body: string;
  minutes: number;
  departmentId: number | null;
  postId: number | null;
  eventId: number | null;
  caseId: number | null;
  ruleId: number | null;
  firstSent: string;
}

/**
 * Unacknowledged matters escalate once: to the office after `escalateAfterMinutes`, and red ones
 * also to the leaders after `redEscalateAfterMinutes`. The clock starts when the first alert of
 * the matter reached someone. Acknowledging any alert of the matter stops it, and so does its
 * case being answered: a matter whose case was replied to, is followed up or closed no longer
 * waits for anyone and never escalates (issue 18). What falls due in one round goes out as one
 * message per recipient ("3 条预警无人确认：…"); the channels' quiet hours hold it back unless a red
 * matter is among them (delivery.ts). Rounds are `escalationRoundMinutes` apart at least (a red matter
 * does not wait). Returns the number of matters escalated.
 */
export async function escalateUnacknowledged(ctx: AppContext, now: Date = new Date()): Promise<number> {
  const db = ctx.db.kysely;
  const s = await loadAlertSettings(db);
  const horizon = new Date(now.getTime() - Math.min(s.escalateAfterMinutes, s.redEscalateAfterMinutes) * 60_000).toISOString();
  const candidates = await db
    .selectFrom('alerts')
    .select('matter_key')
    .where('kind', 'in', ['post', 'event'])
    .where('sent_at', 'is not', null)
    .where('sent_at', '<=', horizon)
    .where('escalated_at', 'is', null)
    .where('acknowledged_at', 'is', null)
    .where('matter_key', 'is not', null)
    .groupBy('matter_key')
    .execute();
  if (!candidates.length) return 0;
  return db.transaction().execute(async (trx) => {
    // Every candidate's alerts and the states of their cases in a few queries, not two per matter:
    // a matter whose case was answered stays a candidate, round after round (issue 23).
    const matters = candidates.map((c) => c.matter_key!);
    const alertsOf = new Map<string, Selectable<AlertTable>[]>();
    for (const part of chunks(matters)) {
      for (const a of await trx.selectFrom('alerts').selectAll().where('matter_key', 'in', part).orderBy('id').execute()) {
        const list = alertsOf.get(a.matter_key!);
        if (list) list.push(a);
        else alertsOf.set(a.matter_key!, [a]);
      }
    }
    const allCaseIds = new Set<number>();
    const allPostIds = new Set<number>();
    for (const list of alertsOf.values()) {
      for (const a of list) {
        if (a.case_id !== null) allCaseIds.add(a.case_id);
        if (a.post_id !== null) allPostIds.add(a.post_id);
      }
    }
    const casesOfPost = new Map<number, number[]>();
    for (const part of chunks([...allPostIds])) {
      for (const r of await trx.selectFrom('case_posts').select(['post_id', 'case_id']).where('post_id', 'in', part).execute()) {
        casesOfPost.set(r.post_id, [...(casesOfPost.get(r.post_id) ?? []), r.case_id]);
        allCaseIds.add(r.case_id);
      }
    }
    const stateOf = new Map<number, CaseState>();
    for (const part of chunks([...allCaseIds])) {
      for (const r of await trx.selectFrom('cases').select(['id', 'state']).where('id', 'in', part).execute()) stateOf.set(r.id, r.state);
    }

    const due: DueMatter[] = [];
    for (const matter of matters) {
      const alerts = alertsOf.get(matter) ?? [];
      if (!alerts.length || !alerts.every((a) => ATTENTION_MOVES.can(attentionOf(a), 'escalate'))) continue;
      const first = alerts.filter((a) => a.sent_at).map((a) => a.sent_at!).sort()[0];
      if (!first) continue;
      const a = alerts[0];
      const age = (now.getTime() - Date.parse(first)) / 60_000;
      const red = a.level === 'red';
      if (!(age >= s.escalateAfterMinutes || (red && age >= s.redEscalateAfterMinutes))) continue;
      // Only a matter still waiting: no case yet, or a case that still owes its first answer.
      const caseIds = new Set<number>();
      for (const x of alerts) {
        if (x.case_id !== null) caseIds.add(x.case_id);
        if (x.post_id !== null) for (const id of casesOfPost.get(x.post_id) ?? []) caseIds.add(id);
      }
      const states = [...caseIds].map((id) => stateOf.get(id)).filter((st): st is CaseState => st !== undefined);
      if (states.length && states.every((st) => !ANSWER_PENDING.includes(st))) continue;
      due.push({ matter, level: a.level, title: a.title, body: a.body, minutes: Math.floor(age), departmentId: a.department_id, postId: a.post_id, eventId: a.event_id, caseId: a.case_id, ruleId: a.rule_id, firstSent: first });
    }
    if (!due.length) return 0;
    // One round per `escalationRoundMinutes` at most: what falls due meanwhile waits for the next one, unless it is red.
    if (!due.some((d) => d.level === 'red') && s.escalationRoundMinutes > 0) {
      const last = await trx.selectFrom('alerts').select((eb) => eb.fn.max('created_at').as('at')).where('kind', '=', 'escalation').executeTakeFirst();
      if (last?.at && Date.parse(String(last.at)) > now.getTime() - s.escalationRoundMinutes * 60_000) return 0;
    }
    const stamp = now.toISOString();
    await sendRound(trx, due, 'office', stamp);
    const red = due.filter((d) => d.level === 'red');
    if (red.length) await sendRound(trx, red, 'leaders', stamp);
    await trx.updateTable('alerts').set({ escalated_at: nowIso() }).where('matter_key', 'in', due.map((d) => d.matter)).execute();
    return due.length;
  });
}

/** One escalation message for the round: the matter itself when it is alone, else one listing them all. */
async function sendRound(trx: Parameters<typeof enqueueNotice>[0], due: DueMatter[], to: 'office' | 'leaders', stamp: string): Promise<void> {
  const target = to === 'office' ? { officeOnly: true } : { audience: 'leaders' as const };
  if (due.length === 1) {
    const d = due[0];
    await enqueueNotice(trx, {
      kind: 'escalation',
      key: to === 'office' ? `escalation:${d.matter}` : `escalation.leaders:${d.matter}`,
      level: d.level,
      title: t(to === 'office' ? 'alert.escalation.title' : 'alert.escalation.leaders.title', { title: d.title }),
      body: t('alert.escalation.body', { minutes: d.minutes, body: d.body }),
      departmentId: d.departmentId,
      postId: d.postId,
      eventId: d.eventId,
      caseId: d.caseId,
      ruleId: d.ruleId,
      escalationOf: d.matter,
      ...target,
    });
    return;
  }
  const ordered = [...due].sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.firstSent.localeCompare(b.firstSent));
  const level = RISK_LEVELS[Math.max(...due.map((d) => levelRank(d.level)))];
  const lines = ordered.map((d, i) => t('alert.escalation.group.item', { n: i + 1, level: RISK_LEVEL_LABELS[d.level], title: d.title, at: localDateTime(d.firstSent).slice(11), minutes: d.minutes }));
  await enqueueNotice(trx, {
    kind: 'escalation',
    key: `escalation.round:${to}:${stamp}`,
    level,
    title: t(to === 'office' ? 'alert.escalation.group.title' : 'alert.escalation.group.leadersTitle', { count: due.length }),
    body: [t('alert.escalation.group.body', { count: due.length }), ...lines].join('\n'),
    departmentId: null,
    escalationOf: ordered.map((d) => d.matter).join(ESCALATION_SEPARATOR),
    ...target,
  });
}
