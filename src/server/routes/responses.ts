import { z } from 'zod';
import { attachmentInfoSchema, attachmentInput, attachPicture, getAttachment } from '../../cases/attachments.ts';
import {
  approveResponse,
  checkDraft,
  checkResultSchema,
  draftInput,
  draftResponse,
  editInput,
  editResponse,
  listResponses,
  postedInput,
  recordPosted,
  responseRowSchema,
  responseWithCase,
  returnResponse,
  reviewInput,
  submitResponse,
} from '../../cases/responses.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { fileAnswer } from '../responses.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['responses'];

/** Replies: draft from a template, check, submit, approve or return, record as posted, pictures. */
export const responseRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/cases/:id/responses', { schema: { tags, summary: "The case's responses", params: idParam, response: { 200: responseRowSchema.array() } } }, async (request) =>
    listResponses(db, actorOf(request), request.params.id),
  );
  r.post('/api/cases/:id/responses', { schema: { tags, summary: 'Draft a response from a template (拟稿)', params: idParam, body: draftInput, response: { 201: responseRowSchema } } }, async (request, reply) =>
    reply.code(201).send(await draftResponse(db, actorOf(request), request.params.id, request.body)),
  );
  r.get('/api/responses/:id', { schema: { tags, summary: 'One response', params: idParam, response: { 200: responseRowSchema } } }, async (request) => (await responseWithCase(db, actorOf(request), request.params.id)).response);
  r.patch('/api/responses/:id', { schema: { tags, summary: 'Edit a draft or a returned response', params: idParam, body: editInput, response: { 200: responseRowSchema } } }, async (request) =>
    editResponse(db, actorOf(request), request.params.id, request.body),
  );
  r.get('/api/responses/:id/check', { schema: { tags, summary: 'Check the draft: stock phrases, the three parts, phone, unfilled parts', params: idParam, response: { 200: checkResultSchema } } }, async (request) =>
    checkDraft(db, actorOf(request), request.params.id),
  );
  r.post('/api/responses/:id/submit', { schema: { tags, summary: 'Submit for approval (提交审核); the draft must pass the checks', params: idParam, response: { 200: responseRowSchema } } }, async (request) =>
    submitResponse(db, actorOf(request), request.params.id),
  );
  r.post('/api/responses/:id/approve', { schema: { tags, summary: '审核通过 (head of the department; office for bureau replies; leader for hard cases)', params: idParam, body: reviewInput, response: { 200: responseRowSchema } } }, async (request) =>
    approveResponse(db, actorOf(request), request.params.id, request.body.comment),
  );
  r.post('/api/responses/:id/return', { schema: { tags, summary: '退回 with the reviewer’s comment', params: idParam, body: reviewInput, response: { 200: responseRowSchema } } }, async (request) =>
    returnResponse(db, actorOf(request), request.params.id, request.body.comment),
  );
  r.post('/api/responses/:id/posted', { schema: { tags, summary: 'Record the posted reply: URL and responder account (登记回复)', params: idParam, body: postedInput, response: { 200: responseRowSchema } } }, async (request) =>
    recordPosted(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/responses/:id/attachments', { schema: { tags, summary: 'Attach a picture (PNG/JPEG/GIF/WebP, base64)', params: idParam, body: attachmentInput, response: { 201: attachmentInfoSchema } } }, async (request, reply) =>
    reply.code(201).send(await attachPicture(db, actorOf(request), request.params.id, request.body)),
  );
  r.get('/api/attachments/:id', { schema: { tags, summary: 'Download an attachment', params: idParam, response: { 200: fileAnswer('The file (a picture, a Word form, a brief)') } } }, async (request, reply) => {
    const a = await getAttachment(db, actorOf(request), request.params.id);
    return reply
      .type(a.mime)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(a.data));
  });
};
