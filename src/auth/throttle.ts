import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { nowIso, num } from '../db/values.ts';

/** After this many failures for one username (or one address) within the window, logins are refused. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

/** Minutes until a login may be tried again, or 0 when not throttled. Kept in the database so every process agrees. */
export async function throttledFor(db: Kysely<Database>, username: string, ip: string): Promise<number> {
  const since = new Date(Date.now() - WINDOW_MS).toISOString();
  const byUser = await db
    .selectFrom('login_failures')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('at').as('first')])
    .where('username', '=', username.toLowerCase())
    .where('at', '>', since)
    .executeTakeFirst();
  const byIp = await db
    .selectFrom('login_failures')
    .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('at').as('first')])
    .where('ip', '=', ip)
    .where('at', '>', since)
    .executeTakeFirst();
  // One address may mistype across several accounts; allow it a little more room.
  const hit = [
    { n: num(byUser?.n), first: byUser?.first as string | null, max: MAX_FAILURES },
    { n: num(byIp?.n), first: byIp?.first as string | null, max: MAX_FAILURES * 4 },
  ].filter((x) => x.n >= x.max && x.first);
  if (hit.length === 0) return 0;
  const until = Math.max(...hit.map((x) => Date.parse(x.first as string) + WINDOW_MS));
  return Math.max(1, Math.ceil((until - Date.now()) / 60_000));
}

export async function recordFailure(db: Kysely<Database>, username: string, ip: string): Promise<void> {
  await db.insertInto('login_failures').values({ username: username.toLowerCase(), ip, at: nowIso() }).execute();
  // Keep the table small.
  await db.deleteFrom('login_failures').where('at', '<', new Date(Date.now() - 24 * WINDOW_MS).toISOString()).execute();
}

export async function clearFailures(db: Kysely<Database>, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username.toLowerCase()).execute();
}
