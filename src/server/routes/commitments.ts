import { z } from 'zod';
import { addCommitment, commitmentInput, commitmentSchema, completeCommitment, doneInput, listCommitments, waiveCommitment, waiveInput } from '../../cases/commitments.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['commitments'];

/** 整改承诺: promised fixes supervised to completion. */
export const commitmentRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/cases/:id/commitments', { schema: { tags, summary: "The case's commitments", params: idParam, response: { 200: commitmentSchema.array() } } }, async (request) =>
    listCommitments(db, actorOf(request), request.params.id),
  );
  r.post('/api/cases/:id/commitments', { schema: { tags, summary: 'Record a commitment (what, owner department, due date)', params: idParam, body: commitmentInput, response: { 201: commitmentSchema } } }, async (request, reply) =>
    reply.code(201).send(await addCommitment(db, actorOf(request), request.params.id, request.body)),
  );
  r.post('/api/commitments/:id/done', { schema: { tags, summary: 'Done: the result posted online, with its URL', params: idParam, body: doneInput, response: { 200: commitmentSchema } } }, async (request) =>
    completeCommitment(db, actorOf(request), request.params.id, request.body),
  );
  r.post('/api/commitments/:id/waive', { schema: { tags, summary: 'Waive a commitment (office, with a reason)', params: idParam, body: waiveInput, response: { 200: commitmentSchema } } }, async (request) =>
    waiveCommitment(db, actorOf(request), request.params.id, request.body),
  );
};
