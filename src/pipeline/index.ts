import { alertHook } from '../alert/hook.ts';
import { openStoredAnalysis, type StoredAnalysisOptions } from '../analyze/stored.ts';
import { openCaseHook } from '../cases/hook.ts';
import { storeItems, type StoreResult } from '../collect/store.ts';
import type { CollectedItem, SourceRow } from '../collect/types.ts';
import type { AppContext } from '../context.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import { StoreError, type AnalysisHook, type IngestOptions, type NewPostsStep, type StoredOutcome } from './stages.ts';

/*
 * The wiring of the spine (the stages and their contracts: stages.ts). Read top to bottom:
 * ingestPosts → storeItems → processNewPosts → newPostSteps (analysis) → analysisHooks.
 */

/** analyze → alert / case: called, in this order, inside the analysis transaction of each post. */
export const analysisHooks: AnalysisHook[] = [openCaseHook, alertHook];

/**
 * The analysis stage: analyses stored posts by id. For each post, ONE transaction writes its
 * analysis (analyze/stored.ts) and calls every analysis hook; a hook that throws rolls that
 * post's analysis back, the post stays unanalysed and the others go on.
 */
export async function analyzeStoredPosts(ctx: AppContext, postIds: number[], options: StoredAnalysisOptions = {}): Promise<StoredOutcome[]> {
  if (!postIds.length) return [];
  const analysis = await openStoredAnalysis(ctx, options);
  const out: StoredOutcome[] = [];
  for (const postId of postIds) {
    const post = await analysis.read(postId);
    if (!post) {
      out.push({ postId, result: null, error: 'post not found' });
      continue;
    }
    try {
      const prepared = await analysis.prepare(post);
      const result = await ctx.db.kysely.transaction().execute(async (trx) => {
        const { post, result } = await analysis.write(trx, prepared);
        for (const hook of analysisHooks) await hook(trx, ctx, post, result);
        return result;
      });
      out.push({ postId, result, error: null });
    } catch (err) {
      ctx.log.error({ err, postId }, 'analysis of post failed; rolled back');
      out.push({ postId, result: null, error: (err as Error).message });
    }
  }
  const analysed = out.filter((o) => o.result).map((o) => o.postId);
  if (analysed.length) ctx.bus.emit('posts.analyzed', { postIds: analysed });
  return out;
}

/** store → analyze: steps run, in order, on every batch of newly stored posts. */
export const newPostSteps: NewPostsStep[] = [
  {
    name: 'analyze',
    async run(ctx, postIds) {
      await analyzeStoredPosts(ctx, postIds);
    },
  },
];

/** Hands newly stored posts to every step. */
export async function processNewPosts(ctx: AppContext, postIds: number[]): Promise<void> {
  if (postIds.length === 0) return;
  for (const step of newPostSteps) await step.run(ctx, postIds);
}

/**
 * ingest → store → analyze → alert / case, for posts of one source from any entrance (feed run,
 * push, file import, manual entry). A failure to store throws `StoreError`.
 */
export async function ingestPosts(ctx: AppContext, source: SourceRow, items: CollectedItem[], options: IngestOptions = {}): Promise<StoreResult> {
  let stored: StoreResult;
  try {
    stored = await storeItems(ctx.db.kysely, source, items, options.now ?? new Date(), { mayUpdate: options.mayUpdate });
  } catch (err) {
    throw new StoreError(err);
  }
  await options.onStored?.(stored);
  await processNewPosts(ctx, stored.created);
  return stored;
}

/** Stored posts not analysed yet (a hook failed, or the process stopped midway), oldest first. */
export async function pendingPostIds(ctx: AppContext, limit = 200, olderThanMs = 120_000): Promise<number[]> {
  const before = new Date(Date.now() - olderThanMs).toISOString();
  const rows = await ctx.db.kysely.selectFrom('posts').select('id').where('analyzed_at', 'is', null).where('fetched_at', '<', before).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Periodic retry of posts left unanalysed (listed in src/jobs/tasks.ts). */
export const pendingAnalysisTask: PeriodicTask = {
  name: 'analysis.pending',
  intervalMs: 60_000,
  async run(ctx) {
    const ids = await pendingPostIds(ctx);
    if (ids.length) await analyzeStoredPosts(ctx, ids);
  },
};
