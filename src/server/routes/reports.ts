import { z } from 'zod';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../../auth/policy.ts';
import { localDate } from '../../time/calendar.ts';
import { nowIso, toJson } from '../../db/values.ts';
import { recordAudit } from '../../audit/audit.ts';
import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { assessment, assessmentReportSchema, parseWeights, weightsAnswerSchema, weightsSchema, WEIGHTS_SETTING, loadWeights } from '../../report/assessment.ts';
import { dashboard, dashboardSchema } from '../../report/dashboard.ts';
import { MIME, REPORT_FORMATS, REPORT_KINDS } from '../../report/kinds.ts';
import { createNamedDate, deleteNamedDate, listNamedDates, namedDateInput, namedDateSchema } from '../../report/named-dates.ts';
import { parsePeriod, PeriodError, periodContaining, type Period } from '../../report/period.ts';
import { scopeDepartment, visibleEvent } from '../../report/scope.ts';
import { createSchedule, deleteSchedule, listSchedules, runResultSchema, runSchedule, scheduleInput, scheduleSchema, updateSchedule } from '../../report/schedules.ts';
import { periodStatistics } from '../../report/statistics.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { fileAnswer, noContent } from '../responses.ts';
import { statisticsSchema } from '../answers.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['reports'];

function periodOf(text: string | undefined, fallback: () => Period): Period {
  if (!text) return fallback();
  try {
    return parsePeriod(text);
  } catch (err) {
    if (err instanceof PeriodError) throw new ValidationError(err.message, t('report.error.period', { period: text }));
    throw err;
  }
}

function weightsOf(text: string | undefined) {
  if (!text) return undefined;
  try {
    return parseWeights(text);
  } catch (err) {
    throw new ValidationError((err as Error).message, t('report.error.weights', { detail: (err as Error).message }));
  }
}

/** Reports: statistics, dashboard, assessment, brief downloads, schedules and named dates. */
export const reportRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  async function scope(actor: Actor, department?: number) {
    assertCan(actor, 'reports.read');
    return scopeDepartment(db, actor, department);
  }

  r.get(
    '/api/reports/dashboard',
    { schema: { tags, summary: "The console dashboard: today's volume and negative share, open alerts, cases by state, overdue, 30-day trend, hot events, timeliness", response: { 200: dashboardSchema } } },
    async (request) => dashboard(db, { departmentId: await scope(actorOf(request)) }),
  );

  r.get(
    '/api/reports/statistics',
    {
      schema: {
        tags,
        summary: 'Statistics of a period (Beijing time): volume by source/topic/sentiment/risk/department, trend with peaks, hot events, top topics, department timeliness',
        querystring: z.object({
          period: z.string().max(40).optional().describe('2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15; default this month'),
          department: z.coerce.number().int().positive().optional(),
          event: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: statisticsSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const departmentId = await scope(actor, request.query.department);
      if (request.query.event !== undefined) await visibleEvent(db, actor, request.query.event);
      const period = periodOf(request.query.period, () => periodContaining('month', localDate(new Date())));
      return periodStatistics(db, { period, departmentId, eventId: request.query.event });
    },
  );

  r.get(
    '/api/reports/assessment',
    {
      schema: {
        tags,
        summary: 'The department assessment (three criteria, weights, score, ranking, quarterly rankings, breakdown)',
        querystring: z.object({
          period: z.string().max(40).optional().describe('a year (with quarterly rankings) or a quarter; default this year'),
          weights: z.string().max(100).optional().describe('timely=0.4,received=0.3,prevented=0.3 (default: the workspace setting)'),
        }),
        response: { 200: assessmentReportSchema },
      },
    },
    async (request) => {
      const departmentId = await scope(actorOf(request));
      const period = periodOf(request.query.period, () => periodContaining('year', localDate(new Date())));
      if (period.kind !== 'year' && period.kind !== 'quarter') {
        throw new ValidationError(`assessment needs a year or quarter, got "${period.key}"`, t('report.error.kindPeriod', { kind: t('report.kind.assessmentShort'), expected: t('report.period.yearOrQuarter'), period: period.key }));
      }
      return assessment(db, period, { departmentId, weights: weightsOf(request.query.weights) });
    },
  );

  r.get('/api/reports/assessment/weights', { schema: { tags, summary: 'The assessment weights in use', response: { 200: weightsAnswerSchema } } }, async (request) => {
    assertCan(actorOf(request), 'reports.read');
    return loadWeights(db);
  });

  r.put('/api/reports/assessment/weights', { schema: { tags, summary: 'Set the assessment weights', body: weightsSchema, response: { 200: weightsAnswerSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'settings.manage');
    const before = await loadWeights(db);
    const value = toJson(request.body);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('settings')
        .values({ key: WEIGHTS_SETTING, value, updated_at: nowIso() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso() }))
        .execute();
      await recordAudit(trx, actor, { action: 'report.weights', entity: 'setting', entityId: WEIGHTS_SETTING, before, after: request.body });
    });
    return request.body;
  });

  r.get(
    '/api/reports/download',
    {
      schema: {
        tags,
        summary: 'Download a brief (.docx/.pdf), the assessment, or the ledger and statistics (.xlsx)',
        querystring: z.object({
          kind: z.enum(REPORT_KINDS),
          format: z.enum(REPORT_FORMATS).default('docx'),
          period: z.string().max(40).optional(),
          event: z.coerce.number().int().positive().optional(),
          department: z.coerce.number().int().positive().optional(),
          weights: z.string().max(100).optional(),
        }),
        response: { 200: fileAnswer('The document, named in content-disposition', ...Object.values(MIME)) },
      },
    },
    async (request, reply) => {
      const { buildReport } = await import('../../report/render.ts');
      const q = request.query;
      const file = await buildReport(db, actorOf(request), { kind: q.kind, format: q.format, period: q.period, eventId: q.event, departmentId: q.department, weights: weightsOf(q.weights) });
      return reply
        .type(file.mime)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .header('x-content-type-options', 'nosniff')
        .send(file.data);
    },
  );

  r.get('/api/reports/schedules', { schema: { tags, summary: 'Scheduled briefs', response: { 200: scheduleSchema.array() } } }, async (request) => listSchedules(db, actorOf(request)));
  r.post('/api/reports/schedules', { schema: { tags, summary: 'Schedule a brief (cron, Beijing time)', body: scheduleInput, response: { 201: scheduleSchema } } }, async (request, reply) =>
    reply.code(201).send(await createSchedule(db, actorOf(request), request.body)),
  );
  r.patch('/api/reports/schedules/:id', { schema: { tags, summary: 'Change a scheduled brief', params: idParam, body: scheduleInput.partial(), response: { 200: scheduleSchema } } }, async (request) =>
    updateSchedule(db, actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/reports/schedules/:id', { schema: { tags, summary: 'Remove a scheduled brief', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteSchedule(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
  r.post('/api/reports/schedules/:id/run', { schema: { tags, summary: "Build and deliver a schedule's brief for the last complete period now", params: idParam, response: { 200: runResultSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'settings.manage');
    const row = await db.selectFrom('report_schedules').selectAll().where('id', '=', request.params.id).executeTakeFirst();
    if (!row) throw new ValidationError(`report schedule ${request.params.id} not found`, t('error.notFound'));
    const result = await runSchedule(db, row);
    await recordAudit(db, actor, { action: 'report_schedule.run', entity: 'report_schedule', entityId: row.id, after: result });
    return result;
  });

  r.get('/api/reports/named-dates', { schema: { tags, summary: "The workspace's named dates (annotate peaks)", response: { 200: namedDateSchema.array() } } }, async (request) => listNamedDates(db, actorOf(request)));
  r.post('/api/reports/named-dates', { schema: { tags, summary: 'Add a named date', body: namedDateInput, response: { 201: namedDateSchema } } }, async (request, reply) =>
    reply.code(201).send(await createNamedDate(db, actorOf(request), request.body)),
  );
  r.delete('/api/reports/named-dates/:id', { schema: { tags, summary: 'Remove a named date', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteNamedDate(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
