import { z } from 'zod';
import { namedDateInput, upsertNamedDateByName } from '../../report/named-dates.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceSection } from '../section.ts';

/**
 * The file names the store's starts_on/ends_on `from`/`to`; its items are checked with the store's
 * schema (namedDateInput) and written by the store.
 *
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
    for (const d of items) count(stats, await upsertNamedDateByName(trx, ctx.actor, { name: d.name, starts_on: d.from, ends_on: d.to, yearly: d.yearly ?? false, note: d.note ?? null }));
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
