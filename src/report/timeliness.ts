import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ledgerFacts, type LedgerFacts } from './ledger-facts.ts';
import type { Period } from './period.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

/**
 * Department timeliness from the ledger (DESIGN §4 "Report"): cases, replied on time and the
 * rate, median time to reply in working hours, overdue, memos answered within 3 working days,
 * commitments completed on time, escalations prevented and the reply verification rate.
 * Rates are null when nothing counted (shown as “—”, never as 0%).
 */
export interface DepartmentTimeliness {
  departmentId: number | null;
  department: string;
  cases: number;
  due: number;
  replied: number;
  repliedOnTime: number;
  onTimeRate: number | null;
  medianReplyHours: number | null;
  overdue: number;
  memos: number;
  memosOnTime: number;
  memoRate: number | null;
  commitments: number;
  commitmentsOnTime: number;
  commitmentRate: number | null;
  escalationsWatched: number;
  escalationsPrevented: number;
  preventionRate: number | null;
  responsesPosted: number;
  responsesVerified: number;
  verificationRate: number | null;
}

export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function aggregate(facts: LedgerFacts, departmentId: number | null | 'all', department: string): DepartmentTimeliness {
  const mine = <T extends { departmentId: number | null }>(rows: T[]) => (departmentId === 'all' ? rows : rows.filter((r) => r.departmentId === departmentId));
  const cases = mine(facts.cases);
  const memos = mine(facts.memos);
  const commitments = mine(facts.commitments);
  const due = cases.filter((c) => c.due);
  const replied = cases.filter((c) => c.repliedAt !== null);
  const onTime = cases.filter((c) => c.onTime).length;
  const watched = cases.filter((c) => c.escalationPrevented !== null);
  const prevented = watched.filter((c) => c.escalationPrevented).length;
  const posted = cases.reduce((s, c) => s + c.responsesPosted, 0);
  const verified = cases.reduce((s, c) => s + c.responsesVerified, 0);
  const memosOnTime = memos.filter((m) => m.onTime).length;
  const commitmentsOnTime = commitments.filter((c) => c.onTime).length;
  const hours = median(replied.map((c) => c.replyWorkingHours!));
  return {
    departmentId: departmentId === 'all' ? null : departmentId,
    department,
    cases: cases.length,
    due: due.length,
    replied: replied.length,
    repliedOnTime: onTime,
    onTimeRate: rate(onTime, due.length),
    medianReplyHours: hours === null ? null : Math.round(hours * 10) / 10,
    overdue: cases.filter((c) => c.late).length,
    memos: memos.length,
    memosOnTime,
    memoRate: rate(memosOnTime, memos.length),
    commitments: commitments.length,
    commitmentsOnTime,
    commitmentRate: rate(commitmentsOnTime, commitments.length),
    escalationsWatched: watched.length,
    escalationsPrevented: prevented,
    preventionRate: rate(prevented, watched.length),
    responsesPosted: posted,
    responsesVerified: verified,
    verificationRate: rate(verified, posted),
  };
}

export interface TimelinessReport {
  departments: DepartmentTimeliness[];
  total: DepartmentTimeliness;
}

/**
 * Timeliness of each department for cases opened in the period. `asOf` (default now) decides
 * which unanswered cases are already past their deadline.
 */
export async function departmentTimeliness(
  db: Kysely<Database>,
  period: Pick<Period, 'start' | 'end'>,
  opts: { departmentId?: number | null; asOf?: string; facts?: LedgerFacts } = {},
): Promise<TimelinessReport> {
  const asOf = opts.asOf ?? new Date().toISOString();
  const facts = opts.facts ?? (await ledgerFacts(db, period, asOf));
  let departments = await db.selectFrom('departments').select(['id', 'name']).orderBy('code').execute();
  if (opts.departmentId != null) departments = departments.filter((d) => d.id === opts.departmentId);
  const rows = departments.map((d) => aggregate(facts, d.id, d.name));
  if (opts.departmentId == null && facts.cases.some((c) => c.departmentId === null)) rows.push(aggregate(facts, null, '未分派'));
  const total = opts.departmentId != null ? rows[0] ?? aggregate({ cases: [], memos: [], commitments: [] }, 'all', '合计') : aggregate(facts, 'all', '合计');
  return { departments: rows, total: { ...total, department: '合计' } };
}

/** Rates are null when nothing counted. */
export const departmentTimelinessSchema = shapeOf<DepartmentTimeliness>()({
  departmentId: z.number().nullable(),
  department: z.string(),
  cases: z.number(),
  due: z.number(),
  replied: z.number(),
  repliedOnTime: z.number(),
  onTimeRate: z.number().nullable(),
  medianReplyHours: z.number().nullable(),
  overdue: z.number(),
  memos: z.number(),
  memosOnTime: z.number(),
  memoRate: z.number().nullable(),
  commitments: z.number(),
  commitmentsOnTime: z.number(),
  commitmentRate: z.number().nullable(),
  escalationsWatched: z.number(),
  escalationsPrevented: z.number(),
  preventionRate: z.number().nullable(),
  responsesPosted: z.number(),
  responsesVerified: z.number(),
  verificationRate: z.number().nullable(),
});

export const timelinessReportSchema = shapeOf<TimelinessReport>()({ departments: z.array(departmentTimelinessSchema), total: departmentTimelinessSchema });
