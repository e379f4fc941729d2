import { z } from 'zod';
import { departmentInput, upsertDepartmentByCode } from '../../auth/departments.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceSection } from '../section.ts';

/** The file's item is the store's input, with `office` for is_office and the department's responders. */
const item = departmentInput
  .omit({ is_office: true })
  .extend({
    phone: z.string().max(40).optional(),
    /** The 局办公室: coordinates, replies in the bureau's name; its items are shared with everyone. */
    office: z.boolean().optional(),
    /** Its cases run the 48-hour clock (`case_settings.general_hours`) instead of the same-working-day rule. */
    general_hours: z.boolean().optional(),
    /** Usernames of this department's 网评员; each must be a user in `users` or already exist. */
    responders: z.array(z.string()).optional(),
  })
  .strict();
export type DepartmentItem = z.infer<typeof item>;

export const departmentsSection: WorkspaceSection<DepartmentItem> = {
  key: 'departments',
  order: 10,
  item,
  async validate(db, items, doc) {
    const issues = duplicateIssues('departments', items, (d) => d.code, 'code');
    const fileUsers = new Map<string, { department?: string }>();
    for (const u of (doc.users as { username: string; department?: string }[] | undefined) ?? []) fileUsers.set(u.username, u);
    for (const [i, d] of items.entries()) {
      for (const [j, username] of (d.responders ?? []).entries()) {
        const inFile = fileUsers.get(username);
        if (inFile) {
          if (inFile.department && inFile.department !== d.code) {
            issues.push({ path: ['departments', i, 'responders', j], message: `user "${username}" is in department "${inFile.department}" in users` });
          }
          continue;
        }
        const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
        if (!row) issues.push({ path: ['departments', i, 'responders', j], message: `user "${username}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const d of items) count(stats, await upsertDepartmentByCode(trx, ctx.actor, { code: d.code, name: d.name, phone: d.phone ?? null, is_office: d.office ?? false, general_hours: d.general_hours ?? false }));
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('departments').selectAll().orderBy('code').execute();
    const responders = await db.selectFrom('users').select(['username', 'department_id']).where('role', '=', 'responder').orderBy('username').execute();
    return rows.map((r) => {
      const out: DepartmentItem = { code: r.code, name: r.name };
      if (r.phone) out.phone = r.phone;
      if (r.is_office) out.office = true;
      if (r.general_hours) out.general_hours = true;
      const names = responders.filter((u) => u.department_id === r.id).map((u) => u.username);
      if (names.length) out.responders = names;
      return out;
    });
  },
};
