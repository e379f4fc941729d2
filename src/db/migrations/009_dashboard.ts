import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * The dashboard's counts (issue 8): posts and negative posts per trend bucket are counted from
 * an index alone. The leading expression is exactly `posts_when`'s, so a range on a post's time
 * (`coalesce(published_at, fetched_at)`) uses it; a head's figures lead with the department.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await sql`create index posts_when_sentiment on posts (coalesce(published_at, fetched_at), sentiment_label)`.execute(db);
  await sql`create index posts_department_when on posts (department_id, coalesce(published_at, fetched_at), sentiment_label)`.execute(db);
}
