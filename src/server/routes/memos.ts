import { z } from 'zod';
import { memoDocx } from '../../cases/memo-docx.ts';
import {
  createMemo,
  DOCX_MIME,
  getMemo,
  handleInstruction,
  instructionInput,
  instructionRowSchema,
  listMemos,
  memoDetailSchema,
  memoInput,
  memoListItemSchema,
  memoListQuery,
  memoPatch,
  memoRowSchema,
  recordInstruction,
  updateMemo,
} from '../../cases/memos.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { fileAnswer } from '../responses.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['memos'];

/** 《网络舆情抄告单》 memos and leaders' 批示. */
export const memoRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/memos', { schema: { tags, summary: 'Memos visible to me, newest first (leaders: what awaits a 批示)', querystring: memoListQuery, response: { 200: memoListItemSchema.array() } } }, async (request) =>
    listMemos(db, actorOf(request), request.query),
  );
  r.post('/api/cases/:id/memos', { schema: { tags, summary: 'Write a memo (抄告单) for the leaders', params: idParam, body: memoInput, response: { 201: memoRowSchema } } }, async (request, reply) =>
    reply.code(201).send(await createMemo(db, actorOf(request), request.params.id, request.body)),
  );
  r.get('/api/memos/:id', { schema: { tags, summary: 'A memo with its instructions and history', params: idParam, response: { 200: memoDetailSchema } } }, async (request) => getMemo(db, actorOf(request), request.params.id));
  r.patch('/api/memos/:id', { schema: { tags, summary: "Edit a memo, or mark it sent: the Word form goes to the leaders' channels (history kept)", params: idParam, body: memoPatch, response: { 200: memoRowSchema } } }, async (request) => {
    return updateMemo(db, actorOf(request), request.params.id, request.body);
  });
  r.get('/api/memos/:id/docx', { schema: { tags, summary: 'The memo as a Word document', params: idParam, response: { 200: fileAnswer('The 抄告单 form', DOCX_MIME) } } }, async (request, reply) => {
    const { buffer, filename } = await memoDocx(db, await getMemo(db, actorOf(request), request.params.id));
    return reply
      .type(DOCX_MIME)
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(buffer);
  });
  r.post('/api/memos/:id/instructions', { schema: { tags, summary: 'A leader records a 批示 (3-working-day clock starts)', params: idParam, body: instructionInput, response: { 201: instructionRowSchema } } }, async (request, reply) =>
    reply.code(201).send(await recordInstruction(db, actorOf(request), request.params.id, request.body.text)),
  );
  r.post('/api/instructions/:id/handled', { schema: { tags, summary: 'Report a 批示 handled', params: idParam, body: z.object({ comment: z.string().max(2000).optional() }), response: { 200: instructionRowSchema } } }, async (request) =>
    handleInstruction(db, actorOf(request), request.params.id, request.body.comment),
  );
};
