import type { Selectable } from 'kysely';
import type { AppContext } from '../context.ts';
import type { PostTable } from '../db/schema.ts';
import { nowIso, toJson } from '../db/values.ts';
import type { NewPostsStep } from '../jobs/pipeline.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import { createAnalyzer, type Analyzer, type AnalyzerOptions } from './analyzer.ts';
import { finding, isBurst, storedCounts, DEFAULT_BURST } from './risk/bursts.ts';
import { linkStoredPost, updateStoredEvent } from './events/linker.ts';
import { burstReason, type BurstFinding, type Velocity } from './risk/score.ts';
import type { AnalysisResult } from './types.ts';

export interface StoredOutcome {
  postId: number;
  result: AnalysisResult | null;
  error: string | null;
}

async function velocityOf(ctx: AppContext, postId: number): Promise<Velocity | null> {
  const rows = await ctx.db.kysely.selectFrom('post_metrics').selectAll().where('post_id', '=', postId).orderBy('at', 'desc').orderBy('id', 'desc').limit(2).execute();
  if (rows.length < 2) return null;
  const [b, a] = rows;
  const hours = (Date.parse(b.at) - Date.parse(a.at)) / 3600_000;
  if (!(hours > 0)) return null;
  const d = (x: number, y: number) => Math.max(0, Number(x) - Number(y));
  return { hours, delta: { views: d(b.views, a.views), replies: d(b.replies, a.replies), likes: d(b.likes, a.likes), reposts: d(b.reposts, a.reposts) } };
}

/**
 * Analyses stored posts by id. For each post, ONE transaction links it to an event (a post
 * already in an event keeps it), detects bursts, writes the analysis columns of `posts`, keeps
 * the event up to date and calls every analysis hook (alerts, automatic cases). A hook that
 * throws rolls that post's analysis back; the post stays unanalysed and the others go on.
 */
export async function analyzeStoredPosts(ctx: AppContext, postIds: number[], options: AnalyzerOptions & { analyzer?: Analyzer } = {}): Promise<StoredOutcome[]> {
  if (!postIds.length) return [];
  const db = ctx.db.kysely;
  const analyzer = options.analyzer ?? (await createAnalyzer(db, options));
  for (const b of analyzer.brokenRules) ctx.log.warn({ rule: b.name, error: b.error }, 'watch rule skipped: expression does not parse');
  const { analysisHooks } = await import('../jobs/registry.ts');
  // routing names a department by code; what was learned from reply signatures may be its name
  const departments = new Map<string, number>();
  for (const d of await db.selectFrom('departments').select(['id', 'code', 'name']).execute()) {
    if (!departments.has(d.name)) departments.set(d.name, d.id);
    departments.set(d.code, d.id);
  }
  const burstOptions = options.bursts ?? DEFAULT_BURST;
  const out: StoredOutcome[] = [];

  for (const postId of postIds) {
    const post = await db
      .selectFrom('posts')
      .innerJoin('sources', 'sources.id', 'posts.source_id')
      .selectAll('posts')
      .select(['sources.name as source_name', 'sources.weight as source_weight'])
      .where('posts.id', '=', postId)
      .executeTakeFirst();
    if (!post) {
      out.push({ postId, result: null, error: 'post not found' });
      continue;
    }
    try {
      const at = post.published_at ?? post.fetched_at;
      const prepared = analyzer.prepare({
        id: post.id,
        title: post.title,
        text: post.text,
        author: post.author ?? undefined,
        source: post.source_name,
        sourceId: post.source_id,
        sourceWeight: Number(post.source_weight),
        published_at: at,
        metrics: { views: post.views, replies: post.replies_count, likes: post.likes, reposts: post.reposts },
        velocity: await velocityOf(ctx, post.id),
      });
      const departmentId = prepared.routing.department ? (departments.get(prepared.routing.department) ?? null) : null;
      const result = await db.transaction().execute(async (trx) => {
        // the post's row, locked on PostgreSQL so that two workers analysing it at once take turns
        let current = trx.selectFrom('posts').select('event_id').where('id', '=', post.id);
        if (ctx.db.kind === 'postgres') current = current.forUpdate();
        const existingEventId = (await current.executeTakeFirst())?.event_id ?? null;
        const link = await linkStoredPost(trx, {
          postKey: post.id,
          at: prepared.at,
          title: prepared.title,
          text: prepared.text,
          topic: prepared.language.topic,
          departmentId,
          signature: prepared.signature,
          names: prepared.names,
          existingEventId,
        });
        const eventId = typeof link?.eventId === 'number' ? link.eventId : null;
        const bursts: BurstFinding[] = [];
        if (eventId !== null) {
          const c = await storedCounts(trx, { eventId }, prepared.at, post.id);
          if (isBurst(c.last, c.previous, burstOptions)) bursts.push(finding('event', c.last, c.previous));
        }
        if (prepared.language.topic) {
          const c = await storedCounts(trx, { topic: prepared.language.topic }, prepared.at, post.id);
          if (isBurst(c.last, c.previous, burstOptions)) bursts.push(finding('topic', c.last, c.previous, prepared.language.topic));
        }
        const result = analyzer.finish(prepared, { event: eventId, bursts });
        const updated: Selectable<PostTable> = await trx
          .updateTable('posts')
          .set({
            sentiment_label: result.sentiment.label,
            sentiment_score: result.sentiment.score,
            topic: result.topic,
            department_id: departmentId,
            risk_level: result.risk.level,
            risk_score: result.risk.score,
            abuse: result.abuse.flagged ? 1 : 0,
            analysis: toJson(result),
            analyzed_at: nowIso(),
            segmented: prepared.language.tokens.join(' '),
            event_id: eventId,
          })
          .where('id', '=', post.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (eventId !== null) {
          const eventBurst = bursts.find((b) => b.scope === 'event');
          await updateStoredEvent(trx, eventId, result.risk.level, eventBurst ? { reason: burstReason(eventBurst), at: prepared.at } : null, prepared.at);
        }
        for (const hook of analysisHooks) await hook(trx, ctx, updated, result);
        return result;
      });
      out.push({ postId, result, error: null });
    } catch (err) {
      ctx.log.error({ err, postId }, 'analysis of post failed; rolled back');
      out.push({ postId, result: null, error: (err as Error).message });
    }
  }
  const ok = out.filter((o) => o.result).length;
  if (ok) ctx.bus.emit('posts.analyzed', { postIds: out.filter((o) => o.result).map((o) => o.postId) });
  return out;
}

/** The pipeline step (src/jobs/registry.ts newPostSteps): analyse newly stored posts. */
export const analysisStep: NewPostsStep = {
  name: 'analyze',
  async run(ctx, postIds) {
    await analyzeStoredPosts(ctx, postIds);
  },
};

/** Stored posts not analysed yet (a hook failed, or the process stopped midway), oldest first. */
export async function pendingPostIds(ctx: AppContext, limit = 200, olderThanMs = 120_000): Promise<number[]> {
  const before = new Date(Date.now() - olderThanMs).toISOString();
  const rows = await ctx.db.kysely.selectFrom('posts').select('id').where('analyzed_at', 'is', null).where('fetched_at', '<', before).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Periodic retry of posts left unanalysed (src/jobs/tasks.ts). */
export const pendingAnalysisTask: PeriodicTask = {
  name: 'analysis.pending',
  intervalMs: 60_000,
  async run(ctx) {
    const ids = await pendingPostIds(ctx);
    if (ids.length) await analyzeStoredPosts(ctx, ids);
  },
};
