import type { AppContext } from '../context.ts';
import { ANSWER_PENDING } from '../cases/states.ts';
import { nowIso } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVEL_LABELS, RISK_LEVELS, type RiskLevel } from '../levels.ts';
import { localDateTime } from '../time/format.ts';
import { enqueueNotice } from './outbox.ts';
import { attentionOf, ATTENTION_MOVES } from './states.ts';
import { ESCALATION_SEPARATOR } from './vocabulary.ts';
import { loadAlertSettings } from './settings.ts';


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
    const due: DueMatter[] = [];
    for (const c of candidates) {
      const matter = c.matter_key!;
      const alerts = await trx.selectFrom('alerts').selectAll().where('matter_key', '=', matter).orderBy('id').execute();
      if (!alerts.length || !alerts.every((a) => ATTENTION_MOVES.can(attentionOf(a), 'escalate'))) continue;
      const first = alerts.filter((a) => a.sent_at).map((a) => a.sent_at!).sort()[0];
      if (!first) continue;
      const a = alerts[0];
      const age = (now.getTime() - Date.parse(first)) / 60_000;
      const red = a.level === 'red';
      if (!(age >= s.escalateAfterMinutes || (red && age >= s.redEscalateAfterMinutes))) continue;
      // Only a matter still waiting: no case yet, or a case that still owes its first answer.
      const postIds = [...new Set(alerts.map((x) => x.post_id).filter((p): p is number => p !== null))];
      const caseIds = [...new Set(alerts.map((x) => x.case_id).filter((p): p is number => p !== null))];
      if (postIds.length || caseIds.length) {
        const cases = await trx
          .selectFrom('cases')
          .select('state')
          .where((eb) => eb.or([...(caseIds.length ? [eb('id', 'in', caseIds)] : []), ...(postIds.length ? [eb('id', 'in', eb.selectFrom('case_posts').select('case_id').where('post_id', 'in', postIds))] : [])]))
          .execute();
        if (cases.length && cases.every((k) => !ANSWER_PENDING.includes(k.state))) continue;
      }
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
