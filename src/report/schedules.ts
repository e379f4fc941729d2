import { Cron } from 'croner';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import { systemActor, type Actor } from '../auth/actor.ts';
import { assertCan, departmentScope } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import type { Database, ReportScheduleTable } from '../db/schema.ts';
import { upsertByKey, type Upserted } from '../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVELS } from '../levels.ts';
import { KIND_TITLES, REPORT_FORMATS, SCHEDULE_KINDS, SCHEDULE_PERIOD, type ReportKind } from './kinds.ts';
import { previousPeriod } from './period.ts';
import { WORKSPACE_TIME_ZONE } from '../time/zone.ts';
import { shapeOf } from '../shapes.ts';

/**
 * Scheduled briefs: a cron expression (Beijing time, parsed by croner) per schedule. When due,
 * the brief of the last complete period is built, stored in `attachments`, and announced through
 * the alert outbox (e-mail attaches the file; group robots link to /api/attachments/:id). A run
 * is recorded per (schedule, period), so a restart or a second worker never sends it twice.
 */
export const TIMEZONE = WORKSPACE_TIME_ZONE;
export type ScheduleRow = Selectable<ReportScheduleTable>;

export const scheduleInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(SCHEDULE_KINDS),
    format: z.enum(REPORT_FORMATS).default('docx'),
    cron: z.string().trim().min(1).max(100).describe('five or six fields, Beijing time, e.g. "0 8 * * *" for 08:00 daily'),
    department_id: z.number().int().positive().nullable().default(null).describe("only this department's figures, sent to its channels"),
    level: z.enum(RISK_LEVELS).default('blue').describe('channels whose minimum level is above this do not receive it'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ScheduleInput = z.input<typeof scheduleInput>;

/** The next run of a cron expression after `from`; throws a ValidationError for a bad expression. */
export function nextRunOf(cron: string, from: Date = new Date()): string | null {
  let job: Cron;
  try {
    job = new Cron(cron, { timezone: TIMEZONE, paused: true });
  } catch (err) {
    const detail = (err as Error).message.replace(/^CronPattern:\s*/, '');
    throw new ValidationError(`invalid cron expression "${cron}": ${detail}`, t('report.error.cron', { cron, detail }));
  }
  const next = job.nextRun(from);
  job.stop();
  return next ? next.toISOString() : null;
}

async function checkDepartment(db: Kysely<Database>, id: number | null) {
  if (id === null) return;
  const row = await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw new ValidationError(`department ${id} not found`, t('report.error.departmentNotFound', { id }));
}

export async function listSchedules(db: Kysely<Database>, actor: Actor): Promise<ScheduleRow[]> {
  assertCan(actor, 'reports.read');
  return db.selectFrom('report_schedules').selectAll().where(departmentScope(actor, 'report_schedules.department_id')).orderBy('name').execute();
}

export async function createSchedule(db: Kysely<Database>, actor: Actor, input: ScheduleInput): Promise<ScheduleRow> {
  assertCan(actor, 'settings.manage');
  const data = scheduleInput.parse(input);
  await checkDepartment(db, data.department_id);
  const next = nextRunOf(data.cron);
  return db.transaction().execute(async (trx) => {
    const clash = await trx.selectFrom('report_schedules').select('id').where('name', '=', data.name).executeTakeFirst();
    if (clash) throw new ConflictError(`schedule "${data.name}" exists`, t('report.error.scheduleName', { name: data.name }));
    const now = nowIso();
    const row = await trx
      .insertInto('report_schedules')
      .values({ ...data, enabled: data.enabled ? 1 : 0, next_run_at: data.enabled ? next : null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'report_schedule.create', entity: 'report_schedule', entityId: row.id, after: row });
    return row;
  });
}

export async function updateSchedule(db: Kysely<Database>, actor: Actor, id: number, input: Partial<ScheduleInput>): Promise<ScheduleRow> {
  assertCan(actor, 'settings.manage');
  const data = scheduleInput.partial().parse(input);
  if (data.department_id !== undefined) await checkDepartment(db, data.department_id);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`report schedule ${id}`);
    if (data.name && data.name !== before.name) {
      const clash = await trx.selectFrom('report_schedules').select('id').where('name', '=', data.name).executeTakeFirst();
      if (clash) throw new ConflictError(`schedule "${data.name}" exists`, t('report.error.scheduleName', { name: data.name }));
    }
    const cron = data.cron ?? before.cron;
    const enabled = data.enabled ?? before.enabled === 1;
    const { enabled: _e, ...rest } = data;
    const after = await trx
      .updateTable('report_schedules')
      .set({ ...rest, enabled: enabled ? 1 : 0, next_run_at: enabled ? nextRunOf(cron) : null, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'report_schedule.update', entity: 'report_schedule', entityId: id, before, after });
    return after;
  });
}

/** The schedule of this name made to be exactly `input`, in the caller's transaction (`workspace apply`). */
export async function upsertScheduleByName(trx: Transaction<Database>, actor: Actor, input: ScheduleInput): Promise<Upserted> {
  assertCan(actor, 'settings.manage');
  const { name, ...values } = scheduleInput.parse(input);
  await checkDepartment(trx, values.department_id);
  const next = nextRunOf(values.cron);
  return (
    await upsertByKey(trx, actor, {
      table: 'report_schedules',
      key: ['name', name],
      values: { ...values, enabled: values.enabled ? 1 : 0 },
      derived: { next_run_at: values.enabled ? next : null },
      entity: 'report_schedule',
      actions: { create: 'report_schedule.create', update: 'report_schedule.update' },
    })
  ).outcome;
}

export async function deleteSchedule(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'settings.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`report schedule ${id}`);
    await trx.deleteFrom('report_schedules').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'report_schedule.delete', entity: 'report_schedule', entityId: id, before });
  });
}

export const scheduleSchema = shapeOf<ScheduleRow>()({
  id: z.number(),
  name: z.string(),
  kind: z.enum(SCHEDULE_KINDS),
  format: z.enum(REPORT_FORMATS),
  cron: z.string(),
  department_id: z.number().nullable(),
  level: z.enum(RISK_LEVELS),
  enabled: z.number(),
  next_run_at: z.string().nullable(),
  last_run_at: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export interface RunResult {
  scheduleId: number;
  period: string;
  /** false when this period had already been delivered. */
  delivered: boolean;
  attachmentId: number | null;
  alertIds: number[];
}

/**
 * Builds and delivers one schedule's brief for the last complete period before `now`.
 * Idempotent per (schedule, period).
 */
/** `report_runs.alert_ids`: the alerts that delivered the run's file. */
const reportRunAlertIdsJson = jsonColumn('report_runs.alert_ids', z.array(z.number().int()));

export async function runSchedule(db: Kysely<Database>, schedule: ScheduleRow, now: Date = new Date()): Promise<RunResult> {
  const kind = schedule.kind as Exclude<ReportKind, 'special'>;
  const period = previousPeriod(SCHEDULE_PERIOD[kind], now);
  const done = await db.selectFrom('report_runs').select(['attachment_id', 'alert_ids']).where('schedule_id', '=', schedule.id).where('period', '=', period.key).executeTakeFirst();
  if (done) return { scheduleId: schedule.id, period: period.key, delivered: false, attachmentId: done.attachment_id, alertIds: readJson(reportRunAlertIdsJson, done.alert_ids, []) };

  // Loaded on first use: the document and chart libraries are heavy and most processes never need them.
  const { buildReport } = await import('./render.ts');
  const file = await buildReport(db, systemActor, { kind, format: schedule.format, period: period.key, departmentId: schedule.department_id, asOf: now.toISOString() });
  const summary = file.document.sheets.find((s) => s.name === t('report.doc.sheet.overview'));
  const figure = (row: string) => summary?.rows.find((r) => r[0] === t(`report.doc.row.${row}`))?.[1] ?? '—';
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const claimed = await trx
      .insertInto('report_runs')
      .values({ schedule_id: schedule.id, period: period.key, alert_ids: '[]', created_at: at })
      .onConflict((oc) => oc.columns(['schedule_id', 'period']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return { scheduleId: schedule.id, period: period.key, delivered: false, attachmentId: null, alertIds: [] };
    const attachment = await trx
      .insertInto('attachments')
      .values({ owner_type: 'report', owner_id: schedule.id, filename: file.filename, mime: file.mime, size: file.data.length, data: file.data, created_by: null, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const title = file.document.title;
    const alertIds = await enqueueNotice(trx, {
      kind: 'report',
      key: `report:${schedule.id}:${period.key}`,
      level: schedule.level,
      title: t('report.notice.title', { title, period: period.label }),
      body:
        schedule.kind === 'assessment'
          ? t('report.notice.bodyFile', { title: KIND_TITLES.assessment, period: period.label, filename: file.filename })
          : t('report.notice.body', { title, period: period.label, total: String(figure('total')), negative: String(figure('negative')), cases: String(figure('cases')), overdue: String(figure('overdue')), filename: file.filename }),
      departmentId: schedule.department_id,
      attachmentId: attachment.id,
    });
    await trx.updateTable('report_runs').set({ attachment_id: attachment.id, alert_ids: toJson(alertIds) }).where('id', '=', claimed.id).execute();
    await trx.updateTable('report_schedules').set({ last_run_at: at, last_error: null }).where('id', '=', schedule.id).execute();
    return { scheduleId: schedule.id, period: period.key, delivered: true, attachmentId: attachment.id, alertIds };
  });
}

/** The periodic task: runs every enabled schedule whose time has come, then moves it to its next time. */
export async function runDueSchedules(ctx: AppContext, now: Date = new Date()): Promise<RunResult[]> {
  const db = ctx.db.kysely;
  const due = await db.selectFrom('report_schedules').selectAll().where('enabled', '=', 1).where('next_run_at', '<=', now.toISOString()).execute();
  const results: RunResult[] = [];
  for (const s of due) {
    let next: string | null = null;
    try {
      next = nextRunOf(s.cron, now);
      results.push(await runSchedule(db, s, now));
    } catch (err) {
      ctx.log.error({ err, schedule: s.name }, 'scheduled brief failed');
      await db.updateTable('report_schedules').set({ last_error: (err as Error).message.slice(0, 500) }).where('id', '=', s.id).execute();
    }
    await db.updateTable('report_schedules').set({ next_run_at: next }).where('id', '=', s.id).where('next_run_at', '=', s.next_run_at).execute();
  }
  return results;
}

/** Checks the report schedules every minute (the cron resolution). */
export const reportScheduleTask = {
  name: 'reports.schedules',
  intervalMs: 60_000,
  async run(ctx: AppContext) {
    const results = await runDueSchedules(ctx);
    for (const r of results) if (r.delivered) ctx.log.info({ schedule: r.scheduleId, period: r.period, alerts: r.alertIds.length }, 'scheduled brief delivered');
  },
};

export const runResultSchema = shapeOf<RunResult>()({
  scheduleId: z.number(),
  period: z.string(),
  delivered: z.boolean().describe('false when this period had already been delivered'),
  attachmentId: z.number().nullable(),
  alertIds: z.array(z.number()),
});
