import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Full-text search over jieba-segmented posts (posts.segmented holds space-separated words).
 * SQLite: an FTS5 index kept in step with posts by triggers (unicode61 splits on the spaces,
 * so each Chinese word is one token). PostgreSQL: a GIN index over the 'simple' text-search
 * configuration of the same column, plus a time index used to page results newest first.
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  if (kind === 'sqlite') {
    await sql`create virtual table posts_fts using fts5(segmented, content='posts', content_rowid='id', tokenize='unicode61')`.execute(db);
    await sql`create trigger posts_fts_ai after insert on posts when new.segmented is not null begin
      insert into posts_fts(rowid, segmented) values (new.id, new.segmented);
    end`.execute(db);
    await sql`create trigger posts_fts_ad after delete on posts when old.segmented is not null begin
      insert into posts_fts(posts_fts, rowid, segmented) values ('delete', old.id, old.segmented);
    end`.execute(db);
    await sql`create trigger posts_fts_au after update of segmented on posts begin
      insert into posts_fts(posts_fts, rowid, segmented) select 'delete', old.id, old.segmented where old.segmented is not null;
      insert into posts_fts(rowid, segmented) select new.id, new.segmented where new.segmented is not null;
    end`.execute(db);
    await sql`insert into posts_fts(rowid, segmented) select id, segmented from posts where segmented is not null`.execute(db);
  } else {
    await sql`create index posts_segmented_fts on posts using gin (to_tsvector('simple', coalesce(segmented, '')))`.execute(db);
  }
  await db.schema.createIndex('posts_when').on('posts').expression(sql`coalesce(published_at, fetched_at)`).execute();
}
