import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../auth/password.ts';
import { upsertUserByUsername, userInput } from '../../auth/users.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceSection } from '../section.ts';

/** The file's item is the store's input, with `name` for display_name and `department` by code. */
const item = userInput
  .omit({ display_name: true, department_id: true })
  .extend({
    name: userInput.shape.display_name,
    /** Department code; required for responder and head. */
    department: z.string().optional(),
    phone: z.string().max(40).optional(),
    email: z.string().email().optional(),
    /** Initial password. Omit it to have one generated and printed once. Never exported. */
    password: z.string().min(MIN_PASSWORD_LENGTH).optional(),
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
    for (const { name, department, ...u } of items) {
      const code = department ?? responderOf.get(u.username);
      const done = await upsertUserByUsername(trx, ctx.actor, { ...u, display_name: name, department_id: code ? (deptId.get(code) ?? null) : null });
      if (done.generatedPassword) ctx.notices.push(`user ${u.username}: generated password ${done.generatedPassword}`);
      count(stats, done.outcome);
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
