import type { Selectable, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database, PostTable } from '../db/schema.ts';
import { nowIso, toJson } from '../db/values.ts';
import { createAnalyzer, workspaceAnalyzer, type Analyzer, type AnalyzerOptions, type PostSubject, type Prepared } from './analyzer.ts';
import { hasReadThreads, threadRead } from '../db/read-thread.ts';
import { finding, isBurst, storedCounts, DEFAULT_BURST } from './risk/bursts.ts';
import { linkStoredPost, updateStoredEvent } from './events/linker.ts';
import { burstReason, type BurstFinding, type Velocity } from './risk/score.ts';
import type { AnalysisResult } from './types.ts';

/**
 * A stored post prepared by the workspace's analyzer as it is now (kept while its revision holds,
 * as openStoredAnalysis does). On the analysis read thread under `serve`.
 */
const prepareOffThread = threadRead(import.meta.url, 'prepareStored', 'analysis', async (db, args: { subject: PostSubject }): Promise<Prepared> => (await workspaceAnalyzer(db)).prepare(args.subject));

async function velocityOf(ctx: AppContext, postId: number): Promise<Velocity | null> {
  const rows = await ctx.db.kysely.selectFrom('post_metrics').selectAll().where('post_id', '=', postId).orderBy('at', 'desc').orderBy('id', 'desc').limit(2).execute();
  if (rows.length < 2) return null;
  const [b, a] = rows;
  const hours = (Date.parse(b.at) - Date.parse(a.at)) / 3600_000;
  if (!(hours > 0)) return null;
  const d = (x: number, y: number) => Math.max(0, Number(x) - Number(y));
  return { hours, delta: { views: d(b.views, a.views), replies: d(b.replies, a.replies), likes: d(b.likes, a.likes), reposts: d(b.reposts, a.reposts) } };
}

/** A stored post read and prepared for analysis (everything that needs no transaction). */
export interface PreparedStoredPost {
  postId: number;
  prepared: Prepared;
  departmentId: number | null;
}

/** A stored post with what analysis needs of its source. */
export type StoredPost = Selectable<PostTable> & { source_name: string; source_weight: number };

/** The analysis of stored posts: read, prepare (no transaction), then write in the caller's transaction. */
export interface StoredAnalysis {
  /** One stored post; undefined when it does not exist. */
  read(postId: number): Promise<StoredPost | undefined>;
  /** Everything of its analysis that needs no transaction (language, rules, risk inputs, routing). */
  prepare(post: StoredPost): Promise<PreparedStoredPost>;
  /**
   * In the caller's transaction: links the post to an event (a post already in an event keeps
   * it), detects bursts, writes the analysis columns of `posts` and keeps the event up to date.
   * Returns the post as stored now, and the result.
   */
  write(trx: Transaction<Database>, post: PreparedStoredPost): Promise<{ post: Selectable<PostTable>; result: AnalysisResult }>;
}

export type StoredAnalysisOptions = AnalyzerOptions & { analyzer?: Analyzer };

/** Loads the analyzer (the workspace's rules, taxonomy and models) and what routing needs, once per batch of posts. */
export async function openStoredAnalysis(ctx: AppContext, options: StoredAnalysisOptions = {}): Promise<StoredAnalysis> {
  const db = ctx.db.kysely;
  const defaultAnalyzer = !options.analyzer && Object.keys(options).length === 0;
  const analyzer = options.analyzer ?? (defaultAnalyzer ? await workspaceAnalyzer(db) : await createAnalyzer(db, options));
  for (const b of analyzer.brokenRules) ctx.log.warn({ rule: b.name, error: b.error }, 'watch rule skipped: expression does not parse');
  // routing names a department by code; what was learned from reply signatures may be its name
  const departments = new Map<string, number>();
  for (const d of await db.selectFrom('departments').select(['id', 'code', 'name']).execute()) {
    if (!departments.has(d.name)) departments.set(d.name, d.id);
    departments.set(d.code, d.id);
  }
  const burstOptions = options.bursts ?? DEFAULT_BURST;

  return {
    read(postId) {
      return db
        .selectFrom('posts')
        .innerJoin('sources', 'sources.id', 'posts.source_id')
        .selectAll('posts')
        .select(['sources.name as source_name', 'sources.weight as source_weight'])
        .where('posts.id', '=', postId)
        .executeTakeFirst();
    },

    async prepare(post) {
      const at = post.published_at ?? post.fetched_at;
      const subject: PostSubject = {
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
      };
      // The language layer (normalising, jieba, the models, rules) is the costly part: on the
      // analysis thread when the database has read threads and the workspace's analyzer is used as
      // it is (db/read-thread.ts), so that a push's analysis does not hold every other request.
      const prepared = defaultAnalyzer && hasReadThreads(db) ? await prepareOffThread(db, { subject }) : analyzer.prepare(subject);
      const departmentId = prepared.routing.department ? (departments.get(prepared.routing.department) ?? null) : null;
      return { postId: post.id, prepared, departmentId };
    },

    async write(trx, { postId, prepared, departmentId }) {
      // the post's row, locked on PostgreSQL so that two workers analysing it at once take turns
      let current = trx.selectFrom('posts').select('event_id').where('id', '=', postId);
      if (ctx.db.kind === 'postgres') current = current.forUpdate();
      const existingEventId = (await current.executeTakeFirst())?.event_id ?? null;
      const link = await linkStoredPost(trx, {
        postKey: postId,
        at: prepared.at,
        title: prepared.title,
        text: prepared.text,
        topic: prepared.language.topic,
        departmentId,
        signature: prepared.signature,
        names: prepared.names,
        matter: prepared.matter,
        words: prepared.language.tokens,
        existingEventId,
      });
      const eventId = typeof link?.eventId === 'number' ? link.eventId : null;
      const bursts: BurstFinding[] = [];
      if (eventId !== null) {
        const c = await storedCounts(trx, { eventId }, prepared.at, postId);
        if (isBurst(c.last, c.previous, burstOptions)) bursts.push(finding('event', c.last, c.previous));
      }
      if (prepared.language.topic) {
        const c = await storedCounts(trx, { topic: prepared.language.topic }, prepared.at, postId);
        if (isBurst(c.last, c.previous, burstOptions)) bursts.push(finding('topic', c.last, c.previous, prepared.language.topic));
      }
      const result = analyzer.finish(prepared, { event: eventId, bursts });
      const post: Selectable<PostTable> = await trx
        .updateTable('posts')
        .set({
          sentiment_label: result.sentiment.label,
          sentiment_score: result.sentiment.score,
          appeal_label: result.appeal?.label ?? null,
          emotion_label: result.emotion?.label ?? null,
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
        .where('id', '=', postId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (eventId !== null) {
        const eventBurst = bursts.find((b) => b.scope === 'event');
        await updateStoredEvent(trx, eventId, result.risk.level, eventBurst ? { reason: burstReason(eventBurst), at: prepared.at } : null, prepared.at);
      }
      return { post, result };
    },
  };
}
