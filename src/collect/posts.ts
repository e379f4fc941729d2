import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, assertSeesDepartment, canSeeDepartment } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { analysisResultSchema, postAnalysisJson } from '../analyze/types.ts';
import { nowIso, readJson } from '../db/values.ts';
import { dedupKey } from './dedup.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { AppContext } from '../context.ts';
import { parseDate } from './parser/dates.ts';
import { ingestPosts } from '../pipeline/index.ts';
import { htmlToText } from './sanitize.ts';
import { searchPostsOffThread, type PostQuery } from './search.ts';
import { visibleSource } from './manage.ts';
import { postExtraJson, type SourceRow } from './types.ts';
import { shapeOf } from '../shapes.ts';
import { RISK_LEVELS } from '../levels.ts';
import { APPEAL_LABELS, EMOTION_LABELS, SENTIMENT_LABELS } from '../analyze/vocabulary.ts';
import { POST_STANDINGS, PUBLISHED_PRECISIONS, SOURCE_KIND_NAMES } from './vocabulary.ts';

export async function listPosts(db: Kysely<Database>, actor: Actor, query: PostQuery) {
  assertCan(actor, 'posts.read');
  const rows = await searchPostsOffThread(db, { actor, query });
  return rows.map((r) => ({ ...r, analysis: readJson(postAnalysisJson, r.analysis, null), extra: readJson(postExtraJson, r.extra, null) }));
}

/** One post with its replies (ours marked), metrics history and near-duplicates. */
export async function getPost(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'posts.read');
  const post = await db.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').selectAll('posts').select(['sources.name as source', 'sources.kind as source_kind']).where('posts.id', '=', id).executeTakeFirst();
  if (!post) throw new NotFoundError(`post ${id}`);
  assertSeesDepartment(actor, post.department_id, await officeDepartmentIds(db));
  const replies = await db
    .selectFrom('post_replies')
    .leftJoin('responder_accounts', 'responder_accounts.id', 'post_replies.responder_account_id')
    .leftJoin('users', 'users.id', 'responder_accounts.user_id')
    .select(['post_replies.id', 'post_replies.external_id', 'post_replies.author', 'post_replies.text', 'post_replies.published_at', 'post_replies.fetched_at', 'post_replies.responder_account_id', 'users.display_name as responder_name'])
    .where('post_replies.post_id', '=', id)
    .orderBy('post_replies.published_at')
    .orderBy('post_replies.id')
    .execute();
  const metrics = await db.selectFrom('post_metrics').select(['at', 'views', 'replies', 'likes', 'reposts']).where('post_id', '=', id).orderBy('at').execute();
  const root = post.near_duplicate_of ?? post.id;
  const duplicates = await db
    .selectFrom('posts')
    .innerJoin('sources', 'sources.id', 'posts.source_id')
    .select(['posts.id', 'posts.title', 'posts.url', 'sources.name as source', 'posts.published_at'])
    .where((eb) => eb.or([eb('posts.id', '=', root), eb('posts.near_duplicate_of', '=', root)]))
    .where('posts.id', '!=', id)
    .orderBy('posts.id')
    .limit(50)
    .execute();
  const { simhash: _s, segmented: _g, ...rest } = post;
  return {
    ...rest,
    analysis: readJson(postAnalysisJson, post.analysis, null),
    extra: readJson(postExtraJson, post.extra, null),
    replies: replies.map((r) => ({ ...r, ours: r.responder_account_id !== null })),
    metrics_history: metrics,
    near_duplicates: duplicates,
  };
}

/** A post in a list: its columns, source name, analysis and extra fields. */
export const postRowSchema = shapeOf<Awaited<ReturnType<typeof listPosts>>[number]>()({
  id: z.number(),
  source_id: z.number(),
  source: z.string().describe("the source's name"),
  external_id: z.string().nullable(),
  url: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  author: z.string().nullable(),
  published_at: z.string().nullable(),
  fetched_at: z.string(),
  updated_at: z.string(),
  views: z.number(),
  replies_count: z.number(),
  likes: z.number(),
  reposts: z.number(),
  near_duplicate_of: z.number().nullable(),
  event_id: z.number().nullable(),
  department_id: z.number().nullable(),
  sentiment_label: z.enum(SENTIMENT_LABELS).nullable(),
  sentiment_score: z.number().nullable(),
  appeal_label: z.enum(APPEAL_LABELS).nullable().describe('诉求类型'),
  emotion_label: z.enum(EMOTION_LABELS).nullable().describe('情绪'),
  topic: z.string().nullable(),
  risk_level: z.enum(RISK_LEVELS).nullable(),
  risk_score: z.number().nullable(),
  abuse: z.number(),
  analysis: analysisResultSchema.nullable(),
  analyzed_at: z.string().nullable(),
  extra: postExtraJson.schema.nullable().describe('collected fields without a column of their own'),
  published_precision: z.enum(PUBLISHED_PRECISIONS).nullable().describe("how precise published_at is: 'day' is a date alone (shown as a date, never counted in an hour); null: exact"),
  standing: z.enum(POST_STANDINGS).nullable().describe('why the post neither alerts nor opens a case: ours (a registered responder account), reference (参考 source), history (imported as history), old; null: an ordinary post'),
});

type PostDetail = Awaited<ReturnType<typeof getPost>>;

/** One post with its replies, metrics history and near-duplicates. */
export const postDetailSchema = shapeOf<PostDetail>()({
  ...postRowSchema.shape,
  source_kind: z.enum(SOURCE_KIND_NAMES),
  dedup_key: z.string(),
  content_html: z.string().nullable().describe('sanitized'),
  replies: z.array(
    shapeOf<PostDetail['replies'][number]>()({
      id: z.number(),
      external_id: z.string(),
      author: z.string().nullable(),
      text: z.string(),
      published_at: z.string().nullable(),
      fetched_at: z.string(),
      responder_account_id: z.number().nullable(),
      responder_name: z.string().nullable(),
      ours: z.boolean().describe('written under a registered responder account'),
    }),
  ),
  metrics_history: z.array(shapeOf<PostDetail['metrics_history'][number]>()({ at: z.string(), views: z.number(), replies: z.number(), likes: z.number(), reposts: z.number() })),
  near_duplicates: z.array(shapeOf<PostDetail['near_duplicates'][number]>()({ id: z.number(), title: z.string(), url: z.string().nullable(), source: z.string(), published_at: z.string().nullable() })),
});

export const manualPostInput = z.object({
  source_id: z.number().int().positive().optional().describe('a manual source; default: the built-in 手工录入 source'),
  title: z.string().max(1000).default(''),
  text: z.string().max(200_000).default(''),
  url: z.string().url().max(2000).nullable().optional(),
  author: z.string().max(200).nullable().optional(),
  published_at: z.string().max(60).nullable().optional().describe('ISO time, or as written on the site (2024-05-01 10:00, 昨天 14:05)'),
  metrics: z.object({ views: z.number().int().min(0), replies: z.number().int().min(0), likes: z.number().int().min(0), reposts: z.number().int().min(0) }).partial().optional(),
});
export type ManualPostInput = z.input<typeof manualPostInput>;

async function manualSource(db: Kysely<Database>, actor: Actor, id: number | undefined): Promise<SourceRow> {
  if (id) {
    const s = await visibleSource(db, actor, id);
    if (s.kind !== 'manual') throw new ValidationError(`source ${s.name} is not a manual source`, t('collect.wrongKind', { name: s.name, kind: s.kind, what: '手工录入' }));
    return s;
  }
  const name = t('collect.manualSourceName');
  const existing = await db.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst();
  if (existing) return existing;
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('sources')
      .values({ name, kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) await recordAudit(trx, actor, { action: 'source.create', entity: 'source', entityId: row.id, after: { name, kind: 'manual' } });
    return row ?? (await trx.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirstOrThrow());
  });
}

/** One post entered by hand; it goes through the same store and pipeline as collected ones. */
export async function createManualPost(ctx: AppContext, actor: Actor, input: ManualPostInput) {
  assertCan(actor, 'posts.create');
  const data = manualPostInput.parse(input);
  if (!data.title.trim() && !data.text.trim()) throw new ValidationError('title or text is required', t('collect.manualTitleOrText'));
  let publishedAt: string | null = null;
  if (data.published_at) {
    publishedAt = parseDate(data.published_at);
    if (!publishedAt) throw new ValidationError(`bad published_at ${data.published_at}`, t('collect.badDate', { value: data.published_at }));
  }
  const db = ctx.db.kysely;
  const source = await manualSource(db, actor, data.source_id);
  const text = htmlToText(data.text);
  const item = {
    externalId: null,
    url: data.url ?? null,
    title: data.title.trim() || text.slice(0, 60),
    text,
    contentHtml: null,
    author: data.author ?? null,
    publishedAt,
    metrics: data.metrics ?? {},
    extra: { entered_by: actor.name },
  };
  const offices = await officeDepartmentIds(db);
  let id = 0;
  const stored = await ingestPosts(ctx, source, [item], {
    mayUpdate: (d) => canSeeDepartment(actor, d, offices),
    onStored: async (s) => {
      let known = s.created[0];
      if (known === undefined) {
        const row = await db.selectFrom('posts').select(['id', 'department_id']).where('source_id', '=', source.id).where('dedup_key', '=', dedupKey(item)).executeTakeFirstOrThrow();
        // The same post is already stored in another department's records: left as it is, and not named.
        if (!canSeeDepartment(actor, row.department_id, offices)) throw new ForbiddenError(`${actor.name} entered a post already stored for another department`);
        known = row.id;
      }
      id = known;
      await recordAudit(db, actor, { action: 'post.create', entity: 'post', entityId: id, after: { source: source.name, title: item.title, url: item.url, created: s.created.length > 0 } });
    },
  });
  return { id, created: stored.created.length > 0 };
}
