import type { Kysely } from 'kysely';
import { addWorkingDays, workingHoursBetween } from '../time/calendar.ts';
import type { Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, type RiskLevel } from '../levels.ts';
import { beijing, type Sheet } from './document.ts';
import type { Period } from './period.ts';

/** The ledger (台账) of cases opened in the period, one row per case, for the xlsx export. */
export async function ledgerSheet(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, departmentId?: number | null, asOf = new Date().toISOString()): Promise<Sheet> {
  let q = db
    .selectFrom('cases')
    .leftJoin('departments', 'departments.id', 'cases.lead_department_id')
    .select(['cases.number', 'cases.title', 'cases.level', 'cases.state', 'departments.name as department', 'cases.opened_at', 'cases.deadline_at', 'cases.replied_at', 'cases.closed_at'])
    .where('cases.opened_at', '>=', period.start)
    .where('cases.opened_at', '<', period.end)
    .orderBy('cases.opened_at');
  if (departmentId != null) q = q.where('cases.lead_department_id', '=', departmentId);
  const rows = await q.execute();
  const state = (s: string) => {
    const label = t(`case.state.${s}`);
    return label === `case.state.${s}` ? s : label;
  };
  return {
    name: '台账',
    columns: [
      { header: '编号', width: 16 },
      { header: '标题', width: 40 },
      { header: '等级', width: 10 },
      { header: '状态', width: 10 },
      { header: '主办部门', width: 14 },
      { header: '立单时间', width: 18 },
      { header: '回复期限', width: 18 },
      { header: '回复时间', width: 18 },
      { header: '按时', width: 8 },
      { header: '回复用时（工作小时）', format: 'number' },
      { header: '办结时间', width: 18 },
    ],
    rows: rows.map((r) => {
      const deadline = r.deadline_at ?? addWorkingDays(r.opened_at, 0).toISOString();
      const onTime = r.replied_at ? (r.replied_at <= deadline ? '是' : '否') : deadline < asOf ? '逾期' : '';
      return [
        r.number,
        r.title,
        RISK_LEVEL_LABELS[r.level as RiskLevel] ?? r.level,
        state(r.state),
        r.department ?? '未分派',
        beijing(r.opened_at),
        beijing(deadline),
        r.replied_at ? beijing(r.replied_at) : '',
        onTime,
        r.replied_at ? Math.round(workingHoursBetween(r.opened_at, r.replied_at) * 10) / 10 : null,
        r.closed_at ? beijing(r.closed_at) : '',
      ];
    }),
  };
}
