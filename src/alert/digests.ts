import type { AppContext } from '../context.ts';
import { nowIso } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { atLeast, levelRank, RISK_LEVEL_LABELS, RISK_LEVELS } from '../levels.ts';
import { localInstant, localDate } from '../time/calendar.ts';
import { localDateTime } from '../time/format.ts';
import { wakeDeliveryAfterCommit } from './outbox.ts';
import { effectivePreferences, loadPreferences } from './preferences.ts';
import { channelReaches, isPersonalChannel } from './recipients.ts';
import { loadAlertSettings } from './settings.ts';

/** The latest of a person's digest times (HH:MM, workspace zone) at or before `now`, as an instant. */
export function lastDigestSlot(times: readonly string[], now: Date): Date | null {
  let best: Date | null = null;
  const today = localDate(now);
  const yesterday = localDate(new Date(now.getTime() - 86_400_000));
  for (const day of [yesterday, today]) {
    for (const hm of times) {
      const [h, m] = hm.split(':').map(Number);
      const at = localInstant(day, h * 60 + m);
      if (at.getTime() <= now.getTime() && (!best || at > best)) best = at;
    }
  }
  return best;
}

export interface DigestRun {
  /** Digest alerts written, one per person due. */
  digests: number;
  /** Alerts they carry. */
  items: number;
}

/**
 * Each person's digest (alert/recipients.ts): what they take in their digest goes out at their
 * digest times, and what a flood held back goes out at the end of its window, as one in-app
 * message listing the alerts (one unread item, whatever their number). Written once: the key
 * names the person and the newest alert it carries, so concurrent runs write it once. A person
 * who keeps e-mail on (接收设置) and has an address gets the same digest by the first personal
 * e-mail channel (`to_recipients`) that reaches them, at the same times.
 */
export async function flushPersonalDigests(ctx: AppContext, now: Date = new Date()): Promise<DigestRun> {
  const db = ctx.db.kysely;
  const run: DigestRun = { digests: 0, items: 0 };
  const pending = await db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .select(['r.user_id', 'r.mode', 'r.created_at', 'a.id', 'a.title', 'a.level', 'a.channel_id', 'a.post_id', 'a.created_at as alert_created_at'])
    .where('r.mode', 'in', ['digest', 'flood'])
    .where('r.digest_id', 'is', null)
    .orderBy('a.id')
    .execute();
  if (!pending.length) return run;
  const settings = await loadAlertSettings(db);
  const users = [...new Set(pending.map((p) => p.user_id))];
  const people = await db.selectFrom('users').select(['id', 'role', 'active', 'department_id', 'email']).where('id', 'in', users).execute();
  // Personal e-mail channels (to_recipients) carry each person's digest too, to those who keep e-mail on.
  const mailers = (await db.selectFrom('channels').selectAll().where('kind', '=', 'email').where('enabled', '=', 1).orderBy('id').execute()).filter(isPersonalChannel);
  const offices = new Set((await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute()).map((d) => d.id));
  const chosen = await loadPreferences(db, users);
  const windowMs = settings.digestWindowMinutes * 60_000;
  for (const person of people) {
    const rows = pending.filter((p) => p.user_id === person.id);
    const prefs = effectivePreferences(person.role, chosen.get(person.id) ?? { nowLevel: null, digest: null, digestTimes: null, email: true }, settings);
    const firstFlood = rows.filter((r) => r.mode === 'flood').map((r) => r.created_at).sort()[0];
    const firstDigest = rows.filter((r) => r.mode === 'digest').map((r) => r.created_at).sort()[0];
    const slot = lastDigestSlot(prefs.digestTimes, now);
    const floodDue = firstFlood !== undefined && Date.parse(firstFlood) + windowMs <= now.getTime();
    const digestDue = firstDigest !== undefined && slot !== null && slot.toISOString() > firstDigest;
    if (!person.active || (!floodDue && !digestDue)) continue;
    // A due digest carries everything waiting for the person; a flood alone carries only the flood.
    const items = digestDue ? rows : rows.filter((r) => r.mode === 'flood');
    const top = RISK_LEVELS[Math.max(...items.map((i) => levelRank(i.level)))];
    const lines = items.map((i) => t('alert.personalDigest.item', { level: RISK_LEVEL_LABELS[RISK_LEVELS[levelRank(i.level)]], title: i.title, at: localDateTime(i.alert_created_at).slice(11) }));
    const title = digestDue ? t('alert.personalDigest.title', { count: items.length, at: localDateTime(now.toISOString()).slice(11) }) : t('alert.personalDigest.floodTitle', { count: items.length, minutes: settings.digestWindowMinutes });
    const at = nowIso();
    const made = await db.transaction().execute(async (trx) => {
      const digest = await trx
        .insertInto('alerts')
        .values({
          idempotency_key: `pdigest|u${person.id}|${items[items.length - 1].id}`,
          matter_key: null,
          channel_id: items[0].channel_id,
          department_id: null,
          kind: 'digest',
          level: top,
          title,
          body: lines.join('\n'),
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          created_at: at,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!digest) return false;
      await trx.insertInto('alert_recipients').values({ alert_id: digest.id, user_id: person.id, mode: 'now', digest_id: null, created_at: at }).execute();
      // The same digest by e-mail, once (the first personal e-mail channel that reaches the person).
      const mailer = prefs.email && person.email ? mailers.find((c) => atLeast(top, c.min_level) && channelReaches(c, person, offices)) : undefined;
      if (mailer) {
        const mail = await trx
          .insertInto('alerts')
          .values({ idempotency_key: `pdigest|u${person.id}|${items[items.length - 1].id}|ch${mailer.id}`, matter_key: null, channel_id: mailer.id, department_id: null, kind: 'digest', level: top, title, body: lines.join('\n'), status: 'pending', attempts: 0, next_attempt_at: at, created_at: at })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (mail) await trx.insertInto('alert_recipients').values({ alert_id: mail.id, user_id: person.id, mode: 'now', digest_id: null, created_at: at }).execute();
      }
      await trx
        .updateTable('alert_recipients')
        .set({ digest_id: digest.id })
        .where('user_id', '=', person.id)
        .where('alert_id', 'in', items.map((i) => i.id))
        .where('digest_id', 'is', null)
        .execute();
      await wakeDeliveryAfterCommit(trx);
      return true;
    });
    if (made) {
      run.digests++;
      run.items += items.length;
    }
  }
  return run;
}
