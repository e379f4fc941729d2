import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Database, UserTable } from '../db/schema.ts';
import { sameFields, type Upserted } from '../db/upsert.ts';
import { ROLES, type Role } from './roles.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from './actor.ts';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.ts';
import { assertCan } from './policy.ts';
import { destroyUserSessions } from './sessions.ts';
import { shapeOf } from '../shapes.ts';

export type User = Selectable<UserTable>;
export type PublicUser = Omit<User, 'password_hash'>;

export function publicUser(u: User): PublicUser {
  const { password_hash: _omit, ...rest } = u;
  return rest;
}

export const roleSchema = z.enum(ROLES);

/** A user as the API sends it (never the password hash). */
export const publicUserSchema = shapeOf<PublicUser>()({
  id: z.number(),
  username: z.string(),
  display_name: z.string(),
  role: roleSchema,
  department_id: z.number().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  active: z.number(),
  must_change_password: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const userInput = z.object({
  username: z.string().min(2).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'username: letters, digits, _ . @ - only'),
  display_name: z.string().min(1).max(100),
  role: roleSchema,
  department_id: z.number().int().nullable().optional(),
  phone: z.string().max(40).nullable().optional(),
  email: z.string().email().nullable().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).optional(),
  active: z.boolean().optional(),
});
export type UserInput = z.infer<typeof userInput>;

/** Responders and heads belong to a department; the other roles may or may not. */
function checkDepartmentRule(role: Role, departmentId: number | null | undefined) {
  if ((role === 'responder' || role === 'head') && !departmentId) {
    throw new ValidationError(`a ${role} needs a department`, `${t(`role.${role}`)}必须属于一个部门`);
  }
}

export async function listUsers(db: Kysely<Database>): Promise<PublicUser[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map(publicUser);
}

async function insertUser(trx: Transaction<Database>, actor: Actor, data: UserInput, password_hash: string): Promise<User> {
  const exists = await trx.selectFrom('users').select('id').where('username', '=', data.username).executeTakeFirst();
  if (exists) throw new ConflictError(`user ${data.username} exists`, `用户名“${data.username}”已存在`);
  const now = nowIso();
  const row = await trx
    .insertInto('users')
    .values({
      username: data.username,
      display_name: data.display_name,
      role: data.role,
      department_id: data.department_id ?? null,
      phone: data.phone ?? null,
      email: data.email ?? null,
      password_hash,
      active: data.active === false ? 0 : 1,
      must_change_password: data.password ? 0 : 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'user.create', entity: 'user', entityId: row.id, after: publicUser(row) });
  return row;
}

export async function createUser(db: Kysely<Database>, actor: Actor, input: UserInput): Promise<{ user: PublicUser; password: string }> {
  assertCan(actor, 'users.manage');
  const data = userInput.parse(input);
  checkDepartmentRule(data.role, data.department_id);
  const password = data.password ?? generatePassword();
  const password_hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => ({ user: publicUser(await insertUser(trx, actor, data, password_hash)), password }));
}

/**
 * The user of this username made to be exactly `input` (absent fields take their defaults), in
 * the caller's transaction (`workspace apply`). A new user without a password gets a generated
 * one (returned, to be shown once) that must be changed; a password given for an existing user
 * is set only when it differs from the current one. Ending the sessions of a user switched off
 * or given a new password.
 */
export async function upsertUserByUsername(trx: Transaction<Database>, actor: Actor, input: UserInput): Promise<{ outcome: Upserted; generatedPassword?: string }> {
  assertCan(actor, 'users.manage');
  const data = userInput.parse(input);
  checkDepartmentRule(data.role, data.department_id);
  const before = await trx.selectFrom('users').selectAll().where('username', '=', data.username).executeTakeFirst();
  if (!before) {
    const password = data.password ?? generatePassword();
    await insertUser(trx, actor, data, await hashPassword(password));
    return data.password ? { outcome: 'created' } : { outcome: 'created', generatedPassword: password };
  }
  const next = {
    display_name: data.display_name,
    role: data.role,
    department_id: data.department_id ?? null,
    phone: data.phone ?? null,
    email: data.email ?? null,
    active: data.active === false ? 0 : 1,
  };
  const passwordChanged = data.password !== undefined && !(await verifyPassword(before.password_hash, data.password));
  if (sameFields(before, next) && !passwordChanged) return { outcome: 'unchanged' };
  const set = { ...next, updated_at: nowIso(), ...(passwordChanged ? { password_hash: await hashPassword(data.password!) } : {}) };
  const after = await trx.updateTable('users').set(set).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'user.update', entity: 'user', entityId: before.id, before: publicUser(before), after: publicUser(after) });
  if (passwordChanged || next.active === 0) await destroyUserSessions(trx, before.id);
  return { outcome: 'updated' };
}

export async function updateUser(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<UserInput>): Promise<PublicUser> {
  assertCan(actor, 'users.manage');
  const data = userInput.partial().parse(patch);
  const newHash = data.password ? await hashPassword(data.password) : undefined;
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`user ${id}`);
    checkDepartmentRule(data.role ?? before.role, data.department_id !== undefined ? data.department_id : before.department_id);
    const set: Partial<User> = { updated_at: nowIso() };
    if (data.display_name !== undefined) set.display_name = data.display_name;
    if (data.role !== undefined) set.role = data.role;
    if (data.department_id !== undefined) set.department_id = data.department_id ?? null;
    if (data.phone !== undefined) set.phone = data.phone ?? null;
    if (data.email !== undefined) set.email = data.email ?? null;
    if (data.active !== undefined) set.active = data.active ? 1 : 0;
    if (newHash) {
      set.password_hash = newHash;
      set.must_change_password = 1;
    }
    const after = await trx.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'user.update', entity: 'user', entityId: id, before: publicUser(before), after: publicUser(after) });
    if (data.active === false || newHash) await destroyUserSessions(trx, id);
    return publicUser(after);
  });
}

/** A user changes their own password; other sessions of that user are ended. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  actor: Actor,
  current: string,
  next: string,
  keepSessionId?: string,
): Promise<void> {
  if (actor.id === null) throw new ValidationError('only a logged-in user can change their password');
  if (next.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('new password too short', t('auth.passwordTooShort', { min: MIN_PASSWORD_LENGTH }));
  }
  const user = await db.selectFrom('users').selectAll().where('id', '=', actor.id).executeTakeFirst();
  if (!user) throw new NotFoundError(`user ${actor.id}`);
  if (!(await verifyPassword(user.password_hash, current))) {
    throw new ValidationError('current password is wrong', t('auth.wrongCurrentPassword'));
  }
  const password_hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash, must_change_password: 0, updated_at: nowIso() }).where('id', '=', actor.id!).execute();
    await recordAudit(trx, actor, { action: 'user.password_change', entity: 'user', entityId: actor.id });
    await destroyUserSessions(trx, actor.id!, keepSessionId);
  });
}

/**
 * First start: when there is no user at all, create `admin` with MINSHENG_ADMIN_PASSWORD or a
 * generated password. Returns the password to print once, or null when users already exist.
 */
export async function ensureAdmin(db: Kysely<Database>, preset?: string): Promise<{ username: string; password: string; generated: boolean } | null> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const password = preset ?? generatePassword();
  const now = nowIso();
  const password_hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({
        username: 'admin',
        display_name: '系统管理员',
        role: 'admin',
        department_id: null,
        phone: null,
        email: null,
        password_hash,
        active: 1,
        must_change_password: preset ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('audit_log')
      .values({ at: now, actor_id: null, actor_name: 'system', via: 'system', action: 'user.bootstrap_admin', entity: 'user', entity_id: String(row.id), before: null, after: JSON.stringify({ username: 'admin', role: 'admin' }) })
      .execute();
  });
  return { username: 'admin', password, generated: !preset };
}
