import { CompiledQuery, PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { departmentScope, isDepartmentScoped } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { getLanguageAnalyzer } from '../analyze/language.ts';
import type { AppealLabel, EmotionLabel, SentimentLabel } from '../analyze/vocabulary.ts';
import type { RiskLevel } from '../levels.ts';
import { threadRead } from '../db/read-thread.ts';

export interface PostQuery {
  /** Words that must all appear in the title, the text or the segmented text. */
  q?: string;
  since?: string;
  until?: string;
  sourceId?: number;
  departmentId?: number;
  riskLevel?: RiskLevel;
  /** Console filters: sentiment label, topic (with its sub-topics), event, matched watch rule name. */
  sentiment?: SentimentLabel;
  /** 诉求类型 and 情绪 (posts.appeal_label, posts.emotion_label). */
  appeal?: AppealLabel;
  emotion?: EmotionLabel;
  topic?: string;
  eventId?: number;
  rule?: string;
  limit?: number;
  offset?: number;
}

/** The columns of a search result. */
export const POST_COLUMNS = [
  'posts.id',
  'posts.source_id',
  'sources.name as source',
  'posts.external_id',
  'posts.url',
  'posts.title',
  'posts.text',
  'posts.author',
  'posts.published_at',
  'posts.fetched_at',
  'posts.updated_at',
  'posts.views',
  'posts.replies_count',
  'posts.likes',
  'posts.reposts',
  'posts.near_duplicate_of',
  'posts.event_id',
  'posts.department_id',
  'posts.sentiment_label',
  'posts.sentiment_score',
  'posts.appeal_label',
  'posts.emotion_label',
  'posts.topic',
  'posts.risk_level',
  'posts.risk_score',
  'posts.abuse',
  'posts.analysis',
  'posts.analyzed_at',
  'posts.extra',
  'posts.published_precision',
  'posts.standing',
] as const;

/**
 * The words of a search: each space-separated term is normalised and cut by the same segmenter
 * (with the workspace dictionary) that filled posts.segmented, so "沿港西路 堵车" finds posts
 * holding both words. Punctuation is dropped; every word must appear.
 */
export async function searchWords(db: Kysely<Database>, text: string | undefined): Promise<string[]> {
  const terms = (text ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
  if (!terms.length) return [];
  const analyzer = await getLanguageAnalyzer(db);
  const words = new Set<string>();
  for (const term of terms) {
    for (const w of analyzer.analyze({ text: term }).tokens) {
      const clean = w.trim().toLowerCase();
      if (clean && /[\p{L}\p{N}]/u.test(clean)) words.add(clean);
    }
  }
  return [...words].slice(0, 16);
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** When a post happened (publication, else fetch): the order of results, newest first. */
const postWhen = sql<string>`coalesce(posts.published_at, posts.fetched_at)`;

type Filtered = ReturnType<typeof filteredPosts>;
export type PostRow = Awaited<ReturnType<Filtered['execute']>>[number];

/** Every filter of the query except the words, with the actor's department scope. */
function filteredPosts(db: Kysely<Database>, actor: Actor, query: PostQuery) {
  let q = db.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').select(POST_COLUMNS).where(departmentScope(actor, 'posts.department_id'));
  if (query.since) q = q.where(postWhen, '>=', query.since);
  if (query.until) q = q.where(postWhen, '<', query.until);
  if (query.sourceId) q = q.where('posts.source_id', '=', query.sourceId);
  if (query.departmentId) q = q.where('posts.department_id', '=', query.departmentId);
  if (query.riskLevel) q = q.where('posts.risk_level', '=', query.riskLevel);
  if (query.sentiment) q = q.where('posts.sentiment_label', '=', query.sentiment);
  if (query.appeal) q = q.where('posts.appeal_label', '=', query.appeal);
  if (query.emotion) q = q.where('posts.emotion_label', '=', query.emotion);
  if (query.topic) {
    const sub = `${query.topic.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
    q = q.where((eb) => eb.or([eb('posts.topic', '=', query.topic!), eb(sql`posts.topic`, 'like', sql`${sub} escape '\\'`)]));
  }
  if (query.eventId) q = q.where('posts.event_id', '=', query.eventId);
  // The analysis is stored as JSON text: a matched rule appears in it as "rule":"<name>".
  if (query.rule) {
    const p = `%${JSON.stringify({ rule: query.rule }).slice(1, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql`coalesce(posts.analysis, '')`, 'like', sql`${p} escape '\\'`);
  }
  return q;
}

function ftsMatch(words: string[]): string {
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' ');
}

/**
 * The one post search (console, API, `minsheng posts --q`): full text over segmented Chinese
 * on both databases, behind this one function. Newest first (by published time, else fetch
 * time, then id); department scope applies to the actor.
 */
export async function searchPosts(db: Kysely<Database>, actor: Actor, query: PostQuery): Promise<PostRow[]> {
  const limit = Math.min(query.limit ?? 50, 1000);
  const offset = query.offset ?? 0;
  const words = await searchWords(db, query.q);
  let q = filteredPosts(db, actor, query);
  if (words.length) {
    if (isPostgres(db)) {
      // GIN index over the segmented column (migration 008).
      q = q.where(sql<boolean>`to_tsvector('simple', coalesce(posts.segmented, '')) @@ plainto_tsquery('simple', ${words.join(' ')})`);
      const filtered = isDepartmentScoped(actor) || !!(query.sourceId || query.departmentId || query.riskLevel || query.sentiment || query.topic || query.rule);
      if (filtered && !query.eventId) {
        const page = await newestWindowPostgres(db, q, limit, offset);
        if (page) return page;
      }
    } else {
      // One event's posts are few and indexed: then the planner's own plan (event first) is the fast one.
      return searchSqlite(db, q, ftsMatch(words), limit, offset, !query.eventId);
    }
  }
  const page = q.orderBy(postWhen, 'desc').orderBy('posts.id', 'desc').limit(limit).offset(offset);
  if (isPostgres(db)) return page.execute();
  return (await db.executeQuery<PostRow>(postsFirstSqlite(page.compile()))).rows;
}

/**
 * SQLite, the newest posts without words: with the planner's statistics (which the product keeps,
 * db/maintenance.ts) it would read the few sources first and then every post of each, sorting them
 * all for one page (85 ms at 50,000 posts, seconds at a million). `CROSS JOIN` makes posts the outer
 * table, so the page is read from the time index (or a filter's index) and stops at its end.
 */
export function postsFirstSqlite(compiled: CompiledQuery): CompiledQuery {
  const from = 'from "posts" inner join "sources"';
  const at = compiled.sql.indexOf(from);
  if (at < 0 || at !== compiled.sql.lastIndexOf(from)) throw new Error('post list: unexpected query shape');
  return CompiledQuery.raw(compiled.sql.replace(from, 'from "posts" cross join "sources"'), [...compiled.parameters]);
}

/** The SQLite query of a page of posts without words (for plan checks). */
export function newestPostsSqlite(db: Kysely<Database>, actor: Actor, query: PostQuery): CompiledQuery {
  return postsFirstSqlite(filteredPosts(db, actor, query).orderBy(postWhen, 'desc').orderBy('posts.id', 'desc').limit(query.limit ?? 50).offset(query.offset ?? 0).compile());
}

/** `searchPosts` on the search read thread (db/read-thread.ts) when the database has read threads. */
export const searchPostsOffThread = threadRead(import.meta.url, 'searchPosts', 'search', (db, args: { actor: Actor; query: PostQuery }) => searchPosts(db, args.actor, args.query));

/** How many of the newest posts the PostgreSQL window holds (see `newestWindowPostgres`). */
export const NEWEST_WINDOW = 20_000;

/**
 * PostgreSQL, words plus another filter (a source, a responder's department …): the planner
 * combines the GIN matches with the filter's index and must then read every combined row from
 * the table to order it by time, 200–300 ms for a common word pair at a million posts. Among the
 * newest NEWEST_WINDOW posts only (a range of the `posts_when` index) it reads a few hundred.
 * Every post outside the window is older than every post in it, so a page filled within the
 * window is exactly the page of the whole table; otherwise null, for the whole-table query.
 */
async function newestWindowPostgres(db: Kysely<Database>, q: Filtered, limit: number, offset: number): Promise<PostRow[] | null> {
  const edge = await sql<{ at: string }>`select coalesce(published_at, fetched_at) as at from posts order by coalesce(published_at, fetched_at) desc offset ${NEWEST_WINDOW} limit 1`.execute(db);
  const from = edge.rows[0]?.at;
  if (from === undefined) return null; // fewer posts than the window: the whole table is no larger
  const rows = await q.where(postWhen, '>=', from).orderBy(postWhen, 'desc').orderBy('posts.id', 'desc').limit(limit).offset(offset).execute();
  return rows.length === limit ? rows : null;
}

function byMatchesThenSort(filtered: Filtered, match: string, limit: number, offset: number) {
  return filtered
    .where('posts.id', 'in', sql<number>`(select rowid from posts_fts where posts_fts match ${match})`)
    .orderBy(postWhen, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .offset(offset);
}

/** Below this many matches the full-text plan reads every match and sorts them; from it on, it walks the time index. */
export const FEW_MATCHES = 5_000;

/**
 * SQLite: the matching page newest first, by one of two exact plans chosen on how many posts
 * match (counted up to FEW_MATCHES on the FTS5 index, a few milliseconds at most). Few matches:
 * fetch each by id and sort them. Many (a common word matches a sizeable share of a million
 * posts): fetching and sorting them all costs 100–400 ms, so walk the `posts_when` index
 * (time, id) from the newest down, test each post against the set of matches (built once, with
 * a Bloom filter) and stop when the page is full. SQLite's planner prefers the first plan for
 * both, hence the INDEXED BY for the second; the order is then the index's, no sort at all.
 */
async function searchSqlite(db: Kysely<Database>, filtered: Filtered, match: string, limit: number, offset: number, mayWalk: boolean): Promise<PostRow[]> {
  // posts drive the join in every case (postsFirstSqlite): never the sources first and every post of each
  const run = async (c: CompiledQuery) => (await db.executeQuery<PostRow>(c)).rows;
  if (!mayWalk) return run(postsFirstSqlite(byMatchesThenSort(filtered, match, limit, offset).compile()));
  const probe = await sql<{ n: number }>`select count(*) as n from (select rowid from posts_fts where posts_fts match ${match} limit ${FEW_MATCHES})`.execute(db);
  const compiled = postsFirstSqlite(byMatchesThenSort(filtered, match, limit, offset).compile());
  if (Number(probe.rows[0]?.n ?? 0) < FEW_MATCHES) return run(compiled);
  const from = 'from "posts" cross join';
  if (compiled.sql.indexOf(from) < 0 || compiled.sql.indexOf(from) !== compiled.sql.lastIndexOf(from)) throw new Error('post search: unexpected query shape');
  return run(CompiledQuery.raw(compiled.sql.replace(from, 'from "posts" indexed by "posts_when" cross join'), [...compiled.parameters]));
}
