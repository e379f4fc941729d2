import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';

/** The console's base URL for links in messages (MINSHENG_PUBLIC_URL, else the local server). */
export function publicBase(config: Config): string {
  return (config.MINSHENG_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

export const postUrl = (base: string, id: number) => `${base}/posts/${id}`;
export const caseUrl = (base: string, id: number) => `${base}/cases/${id}`;
export const attachmentUrl = (base: string, id: number) => `${base}/api/attachments/${id}`;

const SECRET_KEY = 'alert.link_secret';

/** The key that signs acknowledgement links: MINSHENG_SECRET, else one generated once per workspace. */
export async function linkSecret(db: Kysely<Database> | Transaction<Database>, config: Config): Promise<string> {
  if (config.MINSHENG_SECRET) return config.MINSHENG_SECRET;
  const row = await db.selectFrom('settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirst();
  if (row) return row.value;
  await db
    .insertInto('settings')
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64url'), updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await db.selectFrom('settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirstOrThrow()).value;
}

function ackSignature(secret: string, alertId: number, expires: number): string {
  return createHmac('sha256', secret).update(`ack:${alertId}:${expires}`).digest('base64url');
}

export const ACK_LINK_DAYS = 7;

/** A link that acknowledges an alert without logging in; valid for a week. */
export function ackLink(base: string, secret: string, alertId: number, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + ACK_LINK_DAYS * 86400;
  return `${base}/api/alerts/${alertId}/ack-link?exp=${expires}&sig=${ackSignature(secret, alertId, expires)}`;
}

export type AckLinkCheck = 'ok' | 'expired' | 'bad_signature';

export function checkAckLink(secret: string, alertId: number, exp: string | undefined, sig: string | undefined, now = Date.now()): AckLinkCheck {
  if (!exp || !sig || !/^\d+$/.test(exp)) return 'bad_signature';
  const expected = Buffer.from(ackSignature(secret, alertId, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad_signature';
  return Number(exp) * 1000 < now ? 'expired' : 'ok';
}
