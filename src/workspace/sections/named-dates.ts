import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { nowIso } from '../../db/values.ts';
import { namedDateInput } from '../../report/named-dates.ts';
import { duplicateIssues, emptyStats, sameFields, type WorkspaceSection } from '../section.ts';

/**
 * `named_dates`: the workspace's own dates that explain peaks in the reports' trend, e.g.
 *   - { name: 文明城市复检, from: 2026-11-10, to: 2026-11-14 }
 *   - { name: 县城建成纪念日, from: 2026-06-18, yearly: true }
 */
const item = z
  .object({
    name: z.string().min(1).max(100),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01'),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01').optional(),
    yearly: z.boolean().optional(),
    note: z.string().max(500).optional(),
  })
  .strict();
export type NamedDateItem = z.infer<typeof item>;

export const namedDatesSection: WorkspaceSection<NamedDateItem> = {
  key: 'named_dates',
  order: 46,
  item,
  async validate(_db, items) {
    const issues = duplicateIssues('named_dates', items, (d) => d.name, 'name');
    for (const [i, d] of items.entries()) {
      const r = namedDateInput.safeParse({ name: d.name, starts_on: d.from, ends_on: d.to, yearly: d.yearly, note: d.note });
      if (!r.success) for (const issue of r.error.issues) issues.push({ path: ['named_dates', i, issue.path[0] === 'ends_on' ? 'to' : issue.path[0] === 'starts_on' ? 'from' : String(issue.path[0] ?? 'name')], message: issue.message });
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const d of items) {
      const next = { starts_on: d.from, ends_on: d.to ?? d.from, yearly: d.yearly ? 1 : 0, note: d.note ?? null };
      const row = await trx.selectFrom('named_dates').selectAll().where('name', '=', d.name).executeTakeFirst();
      const now = nowIso();
      if (!row) {
        const created = await trx.insertInto('named_dates').values({ name: d.name, ...next, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'named_date.create', entity: 'named_date', entityId: created.id, after: created });
        stats.created++;
      } else if (!sameFields(row, next)) {
        const after = await trx.updateTable('named_dates').set({ ...next, updated_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'named_date.update', entity: 'named_date', entityId: row.id, before: row, after });
        stats.updated++;
      } else stats.unchanged++;
    }
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('named_dates').selectAll().orderBy('starts_on').orderBy('name').execute();
    return rows.map((r) => {
      const out: NamedDateItem = { name: r.name, from: r.starts_on };
      if (r.ends_on !== r.starts_on) out.to = r.ends_on;
      if (r.yearly) out.yearly = true;
      if (r.note) out.note = r.note;
      return out;
    });
  },
};
