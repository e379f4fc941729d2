import type { Kysely, Selectable } from 'kysely';
import type { AlertTable, Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { isRiskLevel, RISK_LEVEL_LABELS, type RiskLevel } from '../levels.ts';
import type { ChannelMessage, MessageLink } from './channels/base.ts';
import { ackLink, attachmentUrl, caseUrl, postUrl } from './links.ts';

export type AlertRow = Selectable<AlertTable>;

const level = (l: string): RiskLevel => (isRiskLevel(l) ? l : 'blue');

/** Kinds a person acknowledges (and that escalate when nobody does). */
export const ACKNOWLEDGEABLE = new Set(['post', 'event', 'escalation', 'digest']);

/** The case a post belongs to, when the ledger has one. */
async function caseOf(db: Kysely<Database>, a: AlertRow): Promise<number | null> {
  if (a.case_id) return a.case_id;
  if (!a.post_id) return null;
  const row = await db.selectFrom('case_posts').select('case_id').where('post_id', '=', a.post_id).orderBy('case_id', 'desc').executeTakeFirst();
  return row?.case_id ?? null;
}

/** Builds what a channel sends for an alert (or a digest alert with its folded alerts). */
export async function buildMessage(db: Kysely<Database>, a: AlertRow, opts: { base: string; secret: string }): Promise<ChannelMessage> {
  const links: MessageLink[] = [];
  if (a.post_id) links.push({ label: t('alert.link.post'), url: postUrl(opts.base, a.post_id) });
  const caseId = await caseOf(db, a);
  if (caseId) links.push({ label: t('alert.link.case'), url: caseUrl(opts.base, caseId) });
  let attachment: ChannelMessage['attachment'];
  if (a.attachment_id) {
    const file = await db.selectFrom('attachments').select(['id', 'filename', 'mime']).where('id', '=', a.attachment_id).executeTakeFirst();
    if (file) {
      const url = attachmentUrl(opts.base, file.id);
      attachment = {
        id: file.id,
        filename: file.filename,
        mime: file.mime,
        url,
        load: async () => Buffer.from((await db.selectFrom('attachments').select('data').where('id', '=', file.id).executeTakeFirstOrThrow()).data),
      };
      links.push({ label: t('alert.link.download', { name: file.filename }), url });
    }
  }
  if (ACKNOWLEDGEABLE.has(a.kind)) links.push({ label: t('alert.link.ack'), url: ackLink(opts.base, opts.secret, a.id) });
  let items: ChannelMessage['items'];
  const ids = [a.id];
  if (a.kind === 'digest') {
    // Folded in a flood on this channel, or carried in a person's digest.
    const folded = await db
      .selectFrom('alerts')
      .select(['id', 'title', 'level', 'post_id'])
      .where((eb) => eb.or([eb('digest_id', '=', a.id), eb('id', 'in', eb.selectFrom('alert_recipients').select('alert_id').where('digest_id', '=', a.id))]))
      .orderBy('id')
      .execute();
    items = folded.map((f) => ({
      title: f.title,
      level: level(f.level),
      levelLabel: RISK_LEVEL_LABELS[level(f.level)],
      url: f.post_id ? postUrl(opts.base, f.post_id) : undefined,
    }));
    ids.push(...folded.map((f) => f.id));
  }
  // A personal channel's alert names the people who take it now (in-app pushes to them; e-mail writes to them).
  const recipients = await db
    .selectFrom('alert_recipients as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id as userId', 'u.display_name as name', 'u.email'])
    .where('r.alert_id', '=', a.id)
    .where('r.mode', '=', 'now')
    .orderBy('r.user_id')
    .execute();
  const personal = recipients.length > 0 || (await db.selectFrom('alert_recipients').select('alert_id').where('alert_id', '=', a.id).executeTakeFirst()) !== undefined;
  return {
    kind: a.kind === 'digest' ? 'digest' : 'alert',
    level: level(a.level),
    levelLabel: RISK_LEVEL_LABELS[level(a.level)],
    title: a.title,
    body: a.body,
    links,
    items,
    idempotencyKey: a.idempotency_key,
    alertIds: ids,
    channelId: a.channel_id,
    departmentId: a.department_id,
    attachment,
    createdAt: a.created_at,
    ...(personal ? { recipients } : {}),
  };
}
