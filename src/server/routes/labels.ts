import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { correctionSchema, correctPost, labelInput, labelRowSchema, listPostLabels, writeCorrection } from '../../analyze/learn/labels.ts';
import { analyzeStoredPosts } from '../../pipeline/index.ts';
import { queueRetrain } from '../../analyze/learn/retrain-job.ts';
import { retrainModels, retrainResultSchema } from '../../analyze/learn/train.ts';
import { describeModels, MODEL_NAMES, modelInfoSchema } from '../../analyze/learn/models.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Corrections of a post's analysis (one click in the console) and the learned models. */
export const labelRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.post(
    '/api/posts/:id/labels',
    { schema: { tags: ['learning'], summary: "Correct a post's sentiment, topic or department; the correction is learned", params: idParam, body: labelInput, response: { 201: correctionSchema } } },
    async (request, reply) => {
      // With a job queue (serve, or serve --no-jobs beside workers) the retraining runs as a job.
      const requestRetrain = ctx.jobs ? queueRetrain(ctx.jobs) : undefined;
      const res = await correctPost(db, actorOf(request), request.params.id, request.body, requestRetrain);
      // the correction takes effect at once: the post and its duplicates are analysed again with it (learn/memory.ts)
      await analyzeStoredPosts(ctx, res.reach);
      await writeCorrection(db, request.params.id, request.body);
      return reply.code(201).send(res);
    },
  );
  r.get('/api/posts/:id/labels', { schema: { tags: ['learning'], summary: "A post's corrections, newest first", params: idParam, response: { 200: labelRowSchema.array() } } }, async (request) =>
    listPostLabels(db, actorOf(request), request.params.id),
  );
  r.get('/api/models', { schema: { tags: ['learning'], summary: 'Learned models: version, examples, classes', response: { 200: modelInfoSchema.array() } } }, async (request) => {
    assertCan(actorOf(request), 'posts.read');
    return describeModels(db);
  });
  r.post('/api/models/retrain', { schema: { tags: ['learning'], summary: 'Retrain every model from the labels and the ledger now', response: { 200: retrainResultSchema.array() } } }, async (request) => {
    assertCan(actorOf(request), 'taxonomy.manage');
    return retrainModels(db, MODEL_NAMES);
  });
};
