import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getSensitiveTerms, sensitiveTermsInput, sensitiveTermsSchema, setSensitiveTerms } from '../../analyze/rules/sensitive.ts';
import { analyzeStoredPosts } from '../../pipeline/index.ts';
import { postAnalysisJson } from '../../analyze/types.ts';
import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, assertSeesDepartment } from '../../auth/policy.ts';
import type { Database } from '../../db/schema.ts';
import { readJson } from '../../db/values.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { postAnalysisSchema } from '../answers.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

const ANALYSIS_COLUMNS = ['id', 'department_id', 'event_id', 'sentiment_label', 'sentiment_score', 'topic', 'risk_level', 'risk_score', 'abuse', 'analysis', 'analyzed_at'] as const;

async function visiblePost(db: Kysely<Database>, actor: Actor, id: number) {
  const post = await db.selectFrom('posts').select(ANALYSIS_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!post) throw new NotFoundError(`post ${id}`);
  assertSeesDepartment(actor, post.department_id, await officeDepartmentIds(db));
  return post;
}

function shape(post: Awaited<ReturnType<typeof visiblePost>>) {
  const { analysis, ...columns } = post;
  return { ...columns, result: readJson(postAnalysisJson, analysis, null) };
}

/** A post's analysis (with every reason), re-analysis on demand, and the sensitive-term list. */
export const analysisRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/posts/:id/analysis', { schema: { tags: ['analysis'], summary: "A post's analysis with its reasons", params: idParam, response: { 200: postAnalysisSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'posts.read');
    return shape(await visiblePost(db, actor, request.params.id));
  });

  r.post('/api/posts/:id/reanalyze', { schema: { tags: ['analysis'], summary: 'Analyse a post again with the current rules and models', params: idParam, response: { 200: postAnalysisSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'posts.label');
    const before = await visiblePost(db, actor, request.params.id);
    const [outcome] = await analyzeStoredPosts(ctx, [before.id]);
    if (!outcome?.result) throw new AppError(`re-analysis of post ${before.id} failed: ${outcome?.error ?? 'unknown'}`, 500, 'analysis_failed', t('error.internal'));
    const after = await db.selectFrom('posts').select(ANALYSIS_COLUMNS).where('id', '=', before.id).executeTakeFirstOrThrow();
    const summary = (p: typeof before) => ({ risk_level: p.risk_level, risk_score: p.risk_score, sentiment_label: p.sentiment_label, topic: p.topic, department_id: p.department_id, event_id: p.event_id });
    await recordAudit(db, actor, { action: 'post.reanalyze', entity: 'post', entityId: before.id, before: summary(before), after: summary(after) });
    return shape(after);
  });

  r.get('/api/analysis/sensitive-terms', { schema: { tags: ['analysis'], summary: 'Sensitive terms that raise risk (defaults until the workspace sets its own)', response: { 200: sensitiveTermsSchema } } }, async (request) => {
    assertCan(actorOf(request), 'posts.read');
    return getSensitiveTerms(db);
  });
  r.put('/api/analysis/sensitive-terms', { schema: { tags: ['analysis'], summary: 'Replace the sensitive-term list', body: sensitiveTermsInput, response: { 200: sensitiveTermsSchema } } }, async (request) =>
    setSensitiveTerms(db, actorOf(request), request.body),
  );
};
