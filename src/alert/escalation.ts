import type { AppContext } from '../context.ts';
import { nowIso } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { enqueueNotice } from './outbox.ts';
import { attentionOf, ATTENTION_MOVES } from './states.ts';
import { loadAlertSettings } from './settings.ts';

/**
 * Unacknowledged matters escalate once: to the office after `escalateAfterMinutes`, and red ones
 * also to the leaders after `redEscalateAfterMinutes`. The clock starts when the first alert of
 * the matter reached someone. Acknowledging any alert of the matter stops it.
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
  let escalated = 0;
  for (const c of candidates) {
    const matter = c.matter_key!;
    const done = await db.transaction().execute(async (trx) => {
      const alerts = await trx.selectFrom('alerts').selectAll().where('matter_key', '=', matter).orderBy('id').execute();
      if (!alerts.every((a) => ATTENTION_MOVES.can(attentionOf(a), 'escalate'))) return false;
      const first = alerts.filter((a) => a.sent_at).map((a) => a.sent_at!).sort()[0];
      if (!first) return false;
      const age = (now.getTime() - Date.parse(first)) / 60_000;
      const a = alerts[0];
      const level = a.level;
      const red = level === 'red';
      const due = red ? age >= s.redEscalateAfterMinutes || age >= s.escalateAfterMinutes : age >= s.escalateAfterMinutes;
      if (!due) return false;
      const base = {
        level,
        departmentId: a.department_id,
        postId: a.post_id,
        eventId: a.event_id,
        caseId: a.case_id,
        ruleId: a.rule_id,
        escalationOf: matter,
      };
      await enqueueNotice(trx, {
        ...base,
        kind: 'escalation',
        key: `escalation:${matter}`,
        title: t('alert.escalation.title', { title: a.title }),
        body: t('alert.escalation.body', { minutes: Math.floor(age), body: a.body }),
        officeOnly: true,
      });
      if (red) {
        await enqueueNotice(trx, {
          ...base,
          kind: 'escalation',
          key: `escalation.leaders:${matter}`,
          title: t('alert.escalation.leaders.title', { title: a.title }),
          body: t('alert.escalation.body', { minutes: Math.floor(age), body: a.body }),
          audience: 'leaders',
        });
      }
      await trx.updateTable('alerts').set({ escalated_at: nowIso() }).where('matter_key', '=', matter).execute();
      return true;
    });
    if (done) escalated++;
  }
  return escalated;
}
