import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import type { Actor } from './actor.ts';

export const SESSION_COOKIE = 'minsheng_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

/** Creates a session; the cookie carries the token, the database only its hash. */
export async function createSession(db: Kysely<Database>, userId: number, meta: { ip?: string; userAgent?: string } = {}): Promise<CreatedSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: digest(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

export interface SessionInfo {
  sessionId: string;
  csrfToken: string;
  actor: Actor;
  username: string;
  mustChangePassword: boolean;
}

/** Resolves a cookie token to its live session and user, sliding the expiry forward. */
export async function readSession(db: Kysely<Database>, token: string | undefined): Promise<SessionInfo | null> {
  if (!token) return null;
  const id = digest(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.department_id',
      'users.active',
      'users.must_change_password',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row || row.active !== 1) return null;
  const now = Date.now();
  if (Date.parse(row.expires_at) <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  // Touch at most once a minute to keep writes low.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: nowIso(), expires_at: new Date(now + SESSION_TTL_MS).toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return {
    sessionId: id,
    csrfToken: row.csrf_token,
    username: row.username,
    mustChangePassword: row.must_change_password === 1,
    actor: { id: row.user_id, name: row.display_name || row.username, role: row.role, departmentId: row.department_id, via: 'api' },
  };
}

export async function destroySession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function destroyUserSessions(db: Kysely<Database>, userId: number, exceptSessionId?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
