import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { nowIso } from '../../db/values.ts';
import { assertWorksOnCase, visibleCase, caseRowSchema } from '../../cases/access.ts';
import { accountActivity, accountActivitySchema } from '../../cases/accounts.ts';
import { caseEventRowSchema } from '../../cases/history.ts';
import { caseDetail, caseDetailSchema, ledgerPageSchema, ledgerQuery, listLedger } from '../../cases/ledger.ts';
import { ledgerXlsx } from '../../cases/ledger-xlsx.ts';
import { joinPosts, joinPostsInput, openCase, openCaseInput } from '../../cases/open.ts';
import { caseSettingsPatch, caseSettingsSchema, changeCaseSettings, loadCaseSettings } from '../../cases/settings.ts';
import { transitionTableSchema, TRANSITIONS } from '../../cases/states.ts';
import { verifyResponses, verifyResultSchema } from '../../cases/verify.ts';
import {
  assignCase,
  assignInput,
  closeCase,
  closeInput,
  commentInput,
  escalateCase,
  escalateInput,
  followCase,
  pressInput,
  recordPressConference,
  updateCase,
  updateCaseInput,
} from '../../cases/workflow.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { fileAnswer } from '../responses.ts';
import { rateCase, ratingInput } from '../../cases/rating.ts';
import { localDay } from '../../time/format.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['cases'];

/** The ledger (台账) and the case workflow moves. */
export const caseRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/cases', { schema: { tags, summary: 'The ledger: cases visible to me, filtered', querystring: ledgerQuery, response: { 200: ledgerPageSchema } } }, async (request) =>
    listLedger(db, actorOf(request), request.query),
  );
  r.get('/api/cases/export.xlsx', { schema: { tags, summary: 'The ledger as .xlsx (same filters)', querystring: ledgerQuery.omit({ limit: true, offset: true }), response: { 200: fileAnswer('The ledger workbook', XLSX) } } }, async (request, reply) => {
    const buf = await ledgerXlsx(db, actorOf(request), request.query);
    const name = `ledger-${localDay()}.xlsx`;
    return reply
      .type(XLSX)
      .header('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`舆情台账-${localDay()}.xlsx`)}`)
      .send(buf);
  });
  r.get('/api/cases/transitions', { schema: { tags, summary: 'The transition table (states and allowed moves)', response: { 200: transitionTableSchema } } }, async (request) => {
    assertCan(actorOf(request), 'cases.read');
    return TRANSITIONS;
  });
  r.get('/api/cases/settings', { schema: { tags, summary: 'Case settings: auto-open level, same-day rule, reminders, stock phrases', response: { 200: caseSettingsSchema } } }, async (request) => {
    assertCan(actorOf(request), 'cases.read');
    return loadCaseSettings(db);
  });
  r.put('/api/cases/settings', { schema: { tags, summary: 'Change case settings (fields given replace the current ones)', body: caseSettingsPatch, response: { 200: caseSettingsSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'settings.manage');
    return db.transaction().execute(async (trx) => (await changeCaseSettings(trx, actor, request.body)).settings);
  });

  r.post('/api/cases', { schema: { tags, summary: 'Open a case from posts or an event, by hand', body: openCaseInput, response: { 201: caseRowSchema } } }, async (request, reply) =>
    reply.code(201).send(await openCase(db, actorOf(request), request.body)),
  );
  r.get('/api/cases/:id', { schema: { tags, summary: 'One case with posts, routing, history, responses, memos, commitments', params: idParam, response: { 200: caseDetailSchema } } }, async (request) =>
    caseDetail(db, actorOf(request), request.params.id),
  );
  r.get('/api/cases/:id/events', { schema: { tags, summary: 'The case history (case events)', params: idParam, response: { 200: caseEventRowSchema.array() } } }, async (request) => {
    await visibleCase(db, actorOf(request), request.params.id);
    return db.selectFrom('case_events').selectAll().where('case_id', '=', request.params.id).orderBy('id').execute();
  });
  r.patch('/api/cases/:id', { schema: { tags, summary: 'Edit title, summary, level, emergency or hard-case flag (office)', params: idParam, body: updateCaseInput, response: { 200: caseRowSchema } } }, async (request) =>
    updateCase(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/cases/:id/posts', { schema: { tags, summary: 'Join more posts to the case', params: idParam, body: joinPostsInput, response: { 200: caseRowSchema } } }, async (request) =>
    joinPosts(db, actorOf(request), request.params.id, request.body.post_ids),
  );
  r.post('/api/cases/:id/assign', { schema: { tags, summary: '分派: lead (主办) and assisting (协办) departments', params: idParam, body: assignInput, response: { 200: caseRowSchema } } }, async (request) =>
    assignCase(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/cases/:id/escalate', { schema: { tags, summary: '转办 to the office or a leader', params: idParam, body: escalateInput, response: { 200: caseRowSchema } } }, async (request) => {
    return escalateCase(db, actorOf(request), request.params.id, request.body);
  });
  r.post('/api/cases/:id/follow', { schema: { tags, summary: 'Move a replied case to 跟踪', params: idParam, body: commentInput, response: { 200: caseRowSchema } } }, async (request) =>
    followCase(db, actorOf(request), request.params.id, request.body.comment),
  );
  r.post('/api/cases/:id/rating', { schema: { tags, summary: "Record people's mark on the case (1–5 or 满意/基本满意/不满意), counted in the assessment", params: idParam, body: ratingInput, response: { 200: z.object({ ok: z.literal(true) }) } } }, async (request) =>
    rateCase(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/cases/:id/close', { schema: { tags, summary: '办结; with an unhandled 批示, an unverified reply or an open commitment only with a reason (409 close_needs_reason)', params: idParam, body: closeInput, response: { 200: caseRowSchema } } }, async (request) =>
    closeCase(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/cases/:id/press-conference', { schema: { tags, summary: 'Record the press conference of an emergency (24 h clock)', params: idParam, body: pressInput, response: { 200: caseRowSchema } } }, async (request) =>
    recordPressConference(db, actorOf(request), request.params.id, request.body),
  );
  r.get('/api/responder-accounts/:id/activity', { schema: { tags: ['accounts'], summary: 'Who replied where: replies found under this account and responses posted with it', params: idParam, response: { 200: accountActivitySchema } } }, async (request) =>
    accountActivity(db, actorOf(request), request.params.id),
  );
  r.post('/api/cases/:id/verify', { schema: { tags, summary: "Check now that the case's posted replies appear on its threads", params: idParam, response: { 200: verifyResultSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'cases.follow');
    const c = await visibleCase(db, actor, request.params.id);
    await assertWorksOnCase(db, actor, c);
    return verifyResponses(ctx, c.id);
  });
};
