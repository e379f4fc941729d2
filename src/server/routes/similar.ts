import { z } from 'zod';
import { similarAnswerSchema, similarCasesForCase, similarCasesForPost } from '../../cases/similar.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const query = z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) });
const tags = ['cases'];

/** Past cases at hand (相似案例): answered cases like a post or a case, with their approved reply. */
export const similarRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/posts/:id/similar-cases', { schema: { tags, summary: 'Answered cases most like this post, with their approved reply, outcome and department (department-scoped)', params: idParam, querystring: query, response: { 200: similarAnswerSchema } } }, async (request) =>
    similarCasesForPost(db, actorOf(request), request.params.id, { limit: request.query.limit }),
  );
  r.get('/api/cases/:id/similar-cases', { schema: { tags, summary: 'Answered cases most like this case, with their approved reply, outcome and department (department-scoped)', params: idParam, querystring: query, response: { 200: similarAnswerSchema } } }, async (request) =>
    similarCasesForCase(db, actorOf(request), request.params.id, { limit: request.query.limit }),
  );
};
