import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { departmentScope } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';

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

function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The one post search (console, API, `minsheng posts --q`). Today a LIKE over title, text and
 * segmented text on both databases; the scale-out stage swaps in FTS5/GIN behind this function.
 * Newest first (by published time, else fetch time); department scope applies to the actor.
 */
export async function searchPosts(db: Kysely<Database>, actor: Actor, query: PostQuery) {
  let q = db.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').select(COLUMNS).where(departmentScope(actor, 'posts.department_id'));
  for (const term of (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    const p = likePattern(term);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(posts.title)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(posts.text)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(coalesce(posts.segmented, ''))`, 'like', sql`${p} escape '\\'`),
      ]),
    );
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
