import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * The dashboard's counts (issue 8): posts and negative posts per trend bucket are counted from
 * an index alone, never the table. The leading expression is exactly `posts_when`'s, so a range
 * on a post's time (`coalesce(published_at, fetched_at)`) uses it; a head's figures lead with
 * the department. PostgreSQL answers from an index only when the columns the query names are
 * stored in it, hence the INCLUDE (SQLite reads the expression itself).
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  if (kind === 'sqlite') {
    await sql`create index posts_when_sentiment on posts (coalesce(published_at, fetched_at), sentiment_label)`.execute(db);
    await sql`create index posts_department_when on posts (department_id, coalesce(published_at, fetched_at), sentiment_label)`.execute(db);
  } else {
    await sql`create index posts_when_sentiment on posts (coalesce(published_at, fetched_at)) include (published_at, fetched_at, sentiment_label)`.execute(db);
    await sql`create index posts_department_when on posts (department_id, coalesce(published_at, fetched_at)) include (published_at, fetched_at, sentiment_label)`.execute(db);
  }
}
