import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { departmentScope } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { getLanguageAnalyzer } from '../analyze/language.ts';

export interface PostQuery {
  /** Words that must all appear in the title, the text or the segmented text. */
  q?: string;
  since?: string;
  until?: string;
  sourceId?: number;
  departmentId?: number;
  riskLevel?: string;
  /** Console filters: sentiment label, topic (with its sub-topics), event, matched watch rule name. */
  sentiment?: string;
  topic?: string;
  eventId?: number;
  rule?: string;
  limit?: number;
  offset?: number;
}

const COLUMNS = [
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
  'posts.topic',
  'posts.risk_level',
  'posts.risk_score',
  'posts.abuse',
  'posts.analysis',
  'posts.analyzed_at',
  'posts.extra',
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

/**
 * The one post search (console, API, `minsheng posts --q`): full text over segmented Chinese
 * on both databases, behind this one function. Newest first (by published time, else fetch
 * time); department scope applies to the actor.
 */
export async function searchPosts(db: Kysely<Database>, actor: Actor, query: PostQuery) {
  let q = db.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').select(COLUMNS).where(departmentScope(actor, 'posts.department_id'));
  const words = await searchWords(db, query.q);
  if (words.length) {
    // Full text over the jieba-segmented column: SQLite FTS5 (posts_fts) or PostgreSQL GIN (migration 008).
    q = isPostgres(db)
      ? q.where(sql<boolean>`to_tsvector('simple', coalesce(posts.segmented, '')) @@ plainto_tsquery('simple', ${words.join(' ')})`)
      : q.where('posts.id', 'in', sql<number>`(select rowid from posts_fts where posts_fts match ${words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' ')})`);
  }
  const when = sql<string>`coalesce(posts.published_at, posts.fetched_at)`;
  if (query.since) q = q.where(when, '>=', query.since);
  if (query.until) q = q.where(when, '<', query.until);
  if (query.sourceId) q = q.where('posts.source_id', '=', query.sourceId);
  if (query.departmentId) q = q.where('posts.department_id', '=', query.departmentId);
  if (query.riskLevel) q = q.where('posts.risk_level', '=', query.riskLevel);
  if (query.sentiment) q = q.where('posts.sentiment_label', '=', query.sentiment);
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
  return q
    .orderBy(when, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(Math.min(query.limit ?? 50, 1000))
    .offset(query.offset ?? 0)
    .execute();
}
