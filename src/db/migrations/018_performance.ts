import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 23: what a post's ingest reads becomes indexed lookups at a million posts, on a database
 * whose planner has no statistics yet.
 * - Near-duplicates: the SimHash (16 hex digits) in four 16-bit bands, each indexed with the
 *   post's time. Two hashes within 6 bits agree to within 1 bit in at least one band (four
 *   bands of 2+ differing bits would make 8), so the store probes each band's value and its 16
 *   one-bit neighbours within the time window (collect/store.ts) instead of reading 20,000 posts.
 * - Bursts count a topic's or an event's posts of the last 13 hours: (topic, time) and
 *   (event, time) replace the indexes on topic and on event alone.
 * - A post's near-duplicates are listed by their root (`near_duplicate_of`); one source's newest
 *   posts by (source, time).
 * - PostgreSQL: autovacuum analyses the tables that grow with every post after 2% of them changed
 *   (default 10%: 100,000 posts behind at a million) and vacuums them after 5% (default 20%).
 *   SQLite keeps its statistics with `PRAGMA optimize` (db/maintenance.ts).
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  if (kind === 'postgres') {
    for (const table of ['posts', 'post_metrics', 'alerts', 'event_keys']) {
      await sql`alter table ${sql.id(table)} set (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05)`.execute(db);
    }
  }
  const when = sql`coalesce(published_at, fetched_at)`;
  for (let b = 0; b < 4; b++) {
    await sql`create index ${sql.id(`posts_simhash_b${b}`)} on posts (substr(simhash, ${sql.lit(b * 4 + 1)}, 4), ${when}) where simhash is not null`.execute(db);
  }
  await sql`create index posts_topic_when on posts (topic, ${when})`.execute(db);
  await sql`drop index posts_topic_for_bursts`.execute(db);
  await sql`create index posts_event_when on posts (event_id, ${when})`.execute(db);
  await sql`drop index posts_event`.execute(db);
  await sql`create index posts_near_duplicate on posts (near_duplicate_of) where near_duplicate_of is not null`.execute(db);
  // One source's newest posts (the console's list filtered by source) in time order.
  await sql`create index posts_source_when on posts (source_id, ${when})`.execute(db);
}
