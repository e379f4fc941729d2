import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';

/**
 * Known devices: a successful login leaves a signed, long-lived cookie naming the account and a
 * random device id. Logins from that browser are counted against the device, not against the
 * account, so strangers guessing the password lock themselves out and never the owner.
 */
export const DEVICE_COOKIE = 'minsheng_device';
export const DEVICE_TTL_MS = 365 * 24 * 60 * 60 * 1000;

const SECRET_KEY = 'auth.device_secret';

/** MINSHENG_SECRET when set (signatures are domain-separated), else a key generated once per workspace. */
export async function deviceSecret(db: Kysely<Database>, config: Config): Promise<string> {
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

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`device:${payload}`).digest('base64url');
}

/** The cookie value for `username` on a new (or the same) device. */
export function issueDeviceToken(secret: string, username: string, deviceId = randomBytes(12).toString('base64url'), now = Date.now()): string {
  const payload = `${deviceId}.${Buffer.from(username.toLowerCase()).toString('base64url')}.${Math.floor((now + DEVICE_TTL_MS) / 1000)}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The device id when the cookie is genuine, unexpired and was issued for this username; else null. */
export function knownDevice(secret: string, token: string | undefined, username: string, now = Date.now()): string | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [deviceId, user, exp, sig] = parts;
  const expected = Buffer.from(sign(secret, `${deviceId}.${user}.${exp}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 < now) return null;
  if (Buffer.from(user, 'base64url').toString() !== username.toLowerCase()) return null;
  return /^[A-Za-z0-9_-]{8,64}$/.test(deviceId) ? deviceId : null;
}
