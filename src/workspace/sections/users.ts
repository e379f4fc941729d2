import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../../auth/password.ts';
import { publicUser, roleSchema } from '../../auth/users.ts';
import { nowIso } from '../../db/values.ts';
import { duplicateIssues, emptyStats, sameFields, type WorkspaceSection } from '../section.ts';

const item = z
  .object({
    username: z.string().min(2).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits, _ . @ - only'),
    name: z.string().min(1).max(100),
    role: roleSchema,
    /** Department code; required for responder and head. */
    department: z.string().optional(),
    phone: z.string().max(40).optional(),
    email: z.string().email().optional(),
    /** Initial password. Omit it to have one generated and printed once. Never exported. */
    password: z.string().min(MIN_PASSWORD_LENGTH).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type UserItem = z.infer<typeof item>;

export const usersSection: WorkspaceSection<UserItem> = {
  key: 'users',
  order: 20,
  item,
  async validate(db, items, doc) {
    const issues = duplicateIssues('users', items, (u) => u.username, 'username');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    const responderOf = new Map<string, string>();
    for (const d of (doc.departments as { code: string; responders?: string[] }[] | undefined) ?? []) {
      for (const r of d.responders ?? []) responderOf.set(r, d.code);
    }
    for (const [i, u] of items.entries()) {
      const dept = u.department ?? responderOf.get(u.username);
      if ((u.role === 'responder' || u.role === 'head') && !dept) {
        issues.push({ path: ['users', i, 'department'], message: `a ${u.role} needs a department` });
      }
      if (u.department && !fileDepartments.has(u.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', u.department).executeTakeFirst();
        if (!row) issues.push({ path: ['users', i, 'department'], message: `department "${u.department}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const departments = await trx.selectFrom('departments').select(['id', 'code']).execute();
    const deptId = new Map(departments.map((d) => [d.code, d.id]));
    const responderOf = new Map<string, string>();
    for (const d of (ctx.doc.departments as { code: string; responders?: string[] }[] | undefined) ?? []) {
      for (const r of d.responders ?? []) responderOf.set(r, d.code);
    }
    for (const u of items) {
      const code = u.department ?? responderOf.get(u.username);
      const next = {
        display_name: u.name,
        role: u.role,
        department_id: code ? (deptId.get(code) ?? null) : null,
        phone: u.phone ?? null,
        email: u.email ?? null,
        active: u.active === false ? 0 : 1,
      };
      const row = await trx.selectFrom('users').selectAll().where('username', '=', u.username).executeTakeFirst();
      if (!row) {
        const password = u.password ?? generatePassword();
        if (!u.password) ctx.notices.push(`user ${u.username}: generated password ${password}`);
        const now = nowIso();
        const created = await trx
          .insertInto('users')
          .values({ username: u.username, ...next, password_hash: await hashPassword(password), must_change_password: u.password ? 0 : 1, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'user.create', entity: 'user', entityId: created.id, after: publicUser(created) });
        stats.created++;
        continue;
      }
      const passwordChanged = u.password !== undefined && !(await verifyPassword(row.password_hash, u.password));
      if (sameFields(row, next) && !passwordChanged) {
        stats.unchanged++;
        continue;
      }
      const set = { ...next, updated_at: nowIso(), ...(passwordChanged ? { password_hash: await hashPassword(u.password!) } : {}) };
      const after = await trx.updateTable('users').set(set).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.actor, { action: 'user.update', entity: 'user', entityId: row.id, before: publicUser(row), after: publicUser(after) });
      if (passwordChanged || next.active === 0) await trx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
      stats.updated++;
    }
    return stats;
  },
  async export(db) {
    const rows = await db
      .selectFrom('users')
      .leftJoin('departments', 'departments.id', 'users.department_id')
      .select(['users.username', 'users.display_name', 'users.role', 'users.phone', 'users.email', 'users.active', 'departments.code as department'])
      .orderBy('users.username')
      .execute();
    return rows.map((r) => {
      const out: UserItem = { username: r.username, name: r.display_name, role: r.role };
      if (r.department) out.department = r.department;
      if (r.phone) out.phone = r.phone;
      if (r.email) out.email = r.email;
      if (r.active === 0) out.active = false;
      return out;
    });
  },
};
