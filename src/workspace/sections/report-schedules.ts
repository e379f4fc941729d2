import { z } from 'zod';
import { RISK_LEVELS } from '../../levels.ts';
import { REPORT_FORMATS } from '../../report/kinds.ts';
import { nextRunOf, scheduleInput, upsertScheduleByName } from '../../report/schedules.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceSection } from '../section.ts';

/**
 * `report_schedules`: briefs built on a cron schedule (Beijing time) and delivered through the
 * alert channels, e.g. the 舆情日报 at 08:00 every day:
 *   - { name: 日报, kind: daily, format: pdf, cron: "0 8 * * *" }
 */
const item = scheduleInput
  .omit({ department_id: true })
  .extend({
    format: z.enum(REPORT_FORMATS).optional(),
    /** Department code: only its figures, to its channels. */
    department: z.string().optional(),
    /** Lowest channel level that receives it (default blue: every channel). */
    level: z.enum(RISK_LEVELS).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type ReportScheduleItem = z.infer<typeof item>;

export const reportSchedulesSection: WorkspaceSection<ReportScheduleItem> = {
  key: 'report_schedules',
  order: 80,
  item,
  async validate(db, items, doc) {
    const issues = duplicateIssues('report_schedules', items, (s) => s.name, 'name');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    for (const [i, s] of items.entries()) {
      try {
        nextRunOf(s.cron);
      } catch (err) {
        issues.push({ path: ['report_schedules', i, 'cron'], message: (err as Error).message });
      }
      if (s.department && !fileDepartments.has(s.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', s.department).executeTakeFirst();
        if (!row) issues.push({ path: ['report_schedules', i, 'department'], message: `department "${s.department}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const deptId = new Map((await trx.selectFrom('departments').select(['id', 'code']).execute()).map((d) => [d.code, d.id]));
    for (const { department, ...s } of items) count(stats, await upsertScheduleByName(trx, ctx.actor, { ...s, department_id: department ? (deptId.get(department) ?? null) : null }));
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('report_schedules').leftJoin('departments', 'departments.id', 'report_schedules.department_id').select(['report_schedules.name', 'kind', 'format', 'cron', 'departments.code', 'level', 'enabled']).orderBy('report_schedules.name').execute();
    return rows.map((r) => {
      const out: ReportScheduleItem = { name: r.name, kind: r.kind as ReportScheduleItem['kind'], format: r.format as ReportScheduleItem['format'], cron: r.cron };
      if (r.code) out.department = r.code;
      if (r.level !== 'blue') out.level = r.level as ReportScheduleItem['level'];
      if (!r.enabled) out.enabled = false;
      return out;
    });
  },
};
