import { z } from 'zod';
import { createManualPost, getPost, listPosts, manualPostInput, postDetailSchema, postRowSchema } from '../../collect/posts.ts';
import { parseDate } from '../../collect/parser/dates.ts';
import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { manualPostAnswerSchema } from '../answers.ts';
import { APPEAL_LABELS, EMOTION_LABELS } from '../../analyze/vocabulary.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  q: z.string().max(200).optional().describe('words that must all appear in the title or text'),
  since: z.string().max(40).optional().describe('ISO date/time or 2024-11-01'),
  until: z.string().max(40).optional(),
  source_id: z.coerce.number().int().positive().optional(),
  department_id: z.coerce.number().int().positive().optional(),
  risk_level: z.enum(['blue', 'yellow', 'orange', 'red']).optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
  appeal: z.enum(APPEAL_LABELS).optional().describe('诉求类型'),
  emotion: z.enum(EMOTION_LABELS).optional().describe('情绪'),
  topic: z.string().max(200).optional().describe('a taxonomy path; its sub-topics are included'),
  event_id: z.coerce.number().int().positive().optional(),
  rule: z.string().max(100).optional().describe('posts that matched this watch rule'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

function when(v: string | undefined, field: string): string | undefined {
  if (!v) return undefined;
  const at = parseDate(v);
  if (!at) throw new ValidationError(`bad ${field} ${v}`, t('collect.badDate', { value: v }));
  return at;
}

/** Posts (帖子/信息): list and search, detail with replies, manual entry. */
export const postRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/posts', { schema: { tags: ['posts'], summary: 'List and search posts, newest first (department-scoped)', querystring: listQuery, response: { 200: postRowSchema.array() } } }, async (request) => {
    const q = request.query;
    return listPosts(db, actorOf(request), {
      q: q.q,
      since: when(q.since, 'since'),
      until: when(q.until, 'until'),
      sourceId: q.source_id,
      departmentId: q.department_id,
      riskLevel: q.risk_level,
      sentiment: q.sentiment,
      appeal: q.appeal,
      emotion: q.emotion,
      topic: q.topic,
      eventId: q.event_id,
      rule: q.rule,
      limit: q.limit,
      offset: q.offset,
    });
  });
  r.get('/api/posts/:id', { schema: { tags: ['posts'], summary: 'One post with its replies (ours marked), metrics history and near-duplicates', params: idParam, response: { 200: postDetailSchema } } }, async (request) =>
    getPost(db, actorOf(request), request.params.id),
  );
  r.post('/api/posts', { schema: { tags: ['posts'], summary: 'Enter a post by hand', body: manualPostInput, response: { 200: manualPostAnswerSchema, 201: manualPostAnswerSchema } } }, async (request, reply) => {
    const res = await createManualPost(ctx, actorOf(request), request.body);
    return reply.code(res.created ? 201 : 200).send(res);
  });
};
