import { z } from 'zod';
import { periodBound, periodKeywordsJson, upsertWatchPeriodByName, watchPeriodInput } from '../../analyze/risk/periods.ts';
import { readJson } from '../../db/values.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';
import { wallClock } from '../../time/zone.ts';

const dateText = z.union([z.string().min(1), z.date()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

/** The file's item is the store's input; YAML may give the dates as dates. */
const item = watchPeriodInput
  .extend({
    /** YYYY-MM-DD (Beijing time) or an ISO date-time. */
    starts: dateText,
    ends: dateText,
  })
  .strict();
export type WatchPeriodItem = z.infer<typeof item>;

/** A bare date exported back as the Beijing-time date it came from. */
function exportBound(iso: string, end: boolean): string {
  const beijing = wallClock(iso).toISOString();
  const clock = beijing.slice(11, 23);
  if ((!end && clock === '00:00:00.000') || (end && clock === '23:59:59.999')) return beijing.slice(0, 10);
  return iso;
}

export const watchPeriodsSection: WorkspaceSection<WatchPeriodItem> = {
  key: 'watch_periods',
  order: 45,
  item,
  async validate(_db, items) {
    const issues: WorkspaceIssue[] = duplicateIssues('watch_periods', items, (p) => p.name, 'name');
    for (const [i, p] of items.entries()) {
      let starts: string | null = null;
      let ends: string | null = null;
      try {
        starts = periodBound(p.starts, false);
      } catch {
        issues.push({ path: ['watch_periods', i, 'starts'], message: `bad date "${p.starts}" (use YYYY-MM-DD or an ISO date-time)` });
      }
      try {
        ends = periodBound(p.ends, true);
      } catch {
        issues.push({ path: ['watch_periods', i, 'ends'], message: `bad date "${p.ends}" (use YYYY-MM-DD or an ISO date-time)` });
      }
      if (starts && ends && ends < starts) issues.push({ path: ['watch_periods', i, 'ends'], message: 'the period ends before it starts' });
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const p of items) count(stats, await upsertWatchPeriodByName(trx, ctx.actor, p));
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('watch_periods').selectAll().orderBy('starts_at').execute();
    return rows.map((r) => {
      const out: WatchPeriodItem = { name: r.name, starts: exportBound(r.starts_at, false), ends: exportBound(r.ends_at, true) };
      const keywords = readJson(periodKeywordsJson, r.keywords, []);
      if (keywords.length) out.keywords = keywords;
      if (Number(r.boost) !== 1) out.boost = Number(r.boost);
      return out;
    });
  },
};
