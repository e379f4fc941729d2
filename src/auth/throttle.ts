import { isIPv6 } from 'node:net';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Login throttling, kept in the database so that every process agrees. Each attempt first
 * reserves a slot on its counters with one atomic upsert (`attempts + 1 … returning`), and only
 * an attempt that got a slot has its password checked: fifty concurrent guesses get at most
 * `limit` checks. A slot is given back when the login succeeds; a failed check keeps it.
 *
 * Counters: the account (`user:`) and the address (`ip:`) for a browser the system does not
 * know; for a known device (a signed cookie left by an earlier successful login, see device.ts)
 * only that device (`device:`), so strangers locking the account never lock out its owner.
 * Going over a limit locks the counter for a short time that doubles with each lockout
 * (1, 2, 4 … 60 minutes); the doubling is forgotten after a day without attempts.
 */
export const ACCOUNT_LIMIT = 5;
/** One address (an office behind NAT) may mistype across several accounts: a little more room. */
export const ADDRESS_LIMIT = ACCOUNT_LIMIT * 4;
export const WINDOW_MS = 15 * 60 * 1000;
export const FIRST_LOCK_MS = 60 * 1000;
export const MAX_LOCK_MS = 60 * 60 * 1000;
const FORGET_MS = 24 * 60 * 60 * 1000;

export type ThrottleScope = 'account' | 'device' | 'address';

export type LoginGate =
  | { ok: true; keys: string[] }
  | { ok: false; scope: ThrottleScope; until: string; retryAfterSeconds: number };

interface Counter {
  key: string;
  limit: number;
  scope: ThrottleScope;
}

/** The address counted: IPv4 as is, IPv6 by its /64 (one subscriber's usual share). */
export function addressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function countersFor(who: { username: string; ip: string; deviceId: string | null }): Counter[] {
  if (who.deviceId) return [{ key: `device:${who.deviceId}`, limit: ACCOUNT_LIMIT, scope: 'device' }];
  return [
    { key: `user:${who.username.toLowerCase()}`, limit: ACCOUNT_LIMIT, scope: 'account' },
    { key: `ip:${addressKey(who.ip)}`, limit: ADDRESS_LIMIT, scope: 'address' },
  ];
}

/** Takes one slot on a counter; returns when it is locked (this attempt refused), else null. */
async function take(db: Kysely<Database>, c: Counter, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const windowStart = new Date(now.getTime() - WINDOW_MS).toISOString();
  const forgetBefore = new Date(now.getTime() - FORGET_MS).toISOString();
  const locked = sql`login_throttle.locked_until > ${at}`;
  const row = await db
    .insertInto('login_throttle')
    .values({ key: c.key, attempts: 1, window_start: at, locked_until: null, lockouts: 0, updated_at: at })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        attempts: sql`case when ${locked} then login_throttle.attempts when login_throttle.window_start < ${windowStart} then 1 else login_throttle.attempts + 1 end`,
        window_start: sql`case when ${locked} then login_throttle.window_start when login_throttle.window_start < ${windowStart} then ${at} else login_throttle.window_start end`,
        lockouts: sql`case when login_throttle.updated_at < ${forgetBefore} and not coalesce(${locked}, false) then 0 else login_throttle.lockouts end`,
        updated_at: at,
      }),
    )
    .returning(['attempts', 'locked_until', 'lockouts'])
    .executeTakeFirstOrThrow();
  if (row.locked_until && row.locked_until > at) return row.locked_until;
  if (row.attempts <= c.limit) return null;
  // Over the limit: lock for a while that doubles with each lockout. Of several attempts over
  // the limit at once, one sets the lock (the condition) and the others read it.
  const lockMs = Math.min(FIRST_LOCK_MS * 2 ** Math.min(row.lockouts, 16), MAX_LOCK_MS);
  const until = new Date(now.getTime() + lockMs).toISOString();
  const set = await db
    .updateTable('login_throttle')
    .set({ locked_until: until, lockouts: sql`lockouts + 1`, attempts: 0, window_start: at, updated_at: at })
    .where('key', '=', c.key)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .returning('locked_until')
    .executeTakeFirst();
  if (set?.locked_until) return set.locked_until;
  const current = await db.selectFrom('login_throttle').select('locked_until').where('key', '=', c.key).executeTakeFirst();
  return current?.locked_until && current.locked_until > at ? current.locked_until : until;
}

async function release(db: Kysely<Database>, keys: string[], at: string): Promise<void> {
  if (!keys.length) return;
  await db
    .updateTable('login_throttle')
    .set({ attempts: sql`case when attempts > 0 then attempts - 1 else 0 end`, updated_at: at })
    .where('key', 'in', keys)
    .execute();
}

/**
 * Reserves this attempt on every counter that applies, before the password is checked. When a
 * counter is locked (or this attempt takes it over the limit) nothing is checked: the answer says
 * which counter and until when, and the slots already taken are given back.
 */
export async function reserveLoginAttempt(
  db: Kysely<Database>,
  who: { username: string; ip: string; deviceId: string | null },
  now = new Date(),
): Promise<LoginGate> {
  const taken: string[] = [];
  for (const c of countersFor(who)) {
    const until = await take(db, c, now);
    if (until) {
      await release(db, taken, now.toISOString());
      return { ok: false, scope: c.scope, until, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000)) };
    }
    taken.push(c.key);
  }
  return { ok: true, keys: taken };
}

/** A successful login: the account's or device's record is cleared, the address gets its slot back. */
export async function loginSucceeded(db: Kysely<Database>, gate: { keys: string[] }, now = new Date()): Promise<void> {
  const mine = gate.keys.filter((k) => !k.startsWith('ip:'));
  if (mine.length) await db.deleteFrom('login_throttle').where('key', 'in', mine).execute();
  await release(
    db,
    gate.keys.filter((k) => k.startsWith('ip:')),
    now.toISOString(),
  );
}

/** A failed check keeps its slot; counters quiet for a day are removed to keep the table small. */
export async function loginFailed(db: Kysely<Database>, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', new Date(now.getTime() - FORGET_MS).toISOString())
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .execute();
}
