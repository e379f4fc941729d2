import type { PeriodKind } from './period.ts';

/** The kinds of report: briefs of a period, the assessment, and a special brief on one event. */
export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'quarterly', 'annual', 'assessment', 'special'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Kinds a schedule can produce (a 专报 is about one event, so it is made by hand). */
export const SCHEDULE_KINDS = ['daily', 'weekly', 'monthly', 'quarterly', 'annual', 'assessment'] as const satisfies readonly ReportKind[];
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const REPORT_FORMATS = ['docx', 'pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const MIME: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const KIND_TITLES: Record<ReportKind, string> = {
  daily: '舆情日报',
  weekly: '舆情周报',
  monthly: '舆情月报',
  quarterly: '舆情季报',
  annual: '舆情年报',
  assessment: '部门舆情处置考核报告',
  special: '舆情专报',
};

/** The period kinds each report kind accepts. */
export const KIND_PERIODS: Record<ReportKind, PeriodKind[]> = {
  daily: ['day'],
  weekly: ['week'],
  monthly: ['month'],
  quarterly: ['quarter'],
  annual: ['year'],
  assessment: ['year', 'quarter'],
  special: ['day', 'week', 'month', 'quarter', 'year', 'custom'],
};

/** The period kind a scheduled report of this kind covers. */
export const SCHEDULE_PERIOD: Record<Exclude<ReportKind, 'special'>, Exclude<PeriodKind, 'custom'>> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
  quarterly: 'quarter',
  annual: 'year',
  assessment: 'year',
};

export function isReportKind(v: string): v is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(v);
}

export function isReportFormat(v: string): v is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(v);
}
