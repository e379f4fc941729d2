import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * The daily roll-up of posts (issue 9): how many posts per Beijing day, department and
 * sentiment, so the dashboard's 30-day trend reads a few hundred rows instead of every post.
 * Kept by triggers on posts, so every way a post is stored, analysed, corrected or deleted
 * counts (a missing department or sentiment is stored as 0 / '').
 * SQLite (one writer) adds to `post_daily` directly. PostgreSQL triggers only append to
 * `post_daily_delta`, so concurrent workers never wait on a shared counter row; a periodic task
 * folds the deltas into `post_daily` (src/report/rollup.ts), and readers add both.
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await db.schema
    .createTable('post_daily')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('department_key', 'integer', (c) => c.notNull())
    .addColumn('sentiment', 'text', (c) => c.notNull())
    .addColumn('posts', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_daily_pk', ['day', 'department_key', 'sentiment'])
    .execute();
  await db.schema
    .createTable('post_daily_delta')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('department_key', 'integer', (c) => c.notNull())
    .addColumn('sentiment', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();

  if (kind === 'sqlite') {
    const day = (row: 'new' | 'old') => sql.raw(`date(coalesce(${row}.published_at, ${row}.fetched_at), '+8 hours')`);
    const add = (row: 'new' | 'old', n: 1 | -1) => sql`
      insert into post_daily (day, department_key, sentiment, posts)
      select d, coalesce(${sql.raw(row)}.department_id, 0), coalesce(${sql.raw(row)}.sentiment_label, ''), ${sql.lit(n)} from (select ${day(row)} as d) where d is not null
      on conflict (day, department_key, sentiment) do update set posts = posts + ${sql.lit(n)};`;
    await sql`create trigger posts_daily_ai after insert on posts begin ${add('new', 1)} end`.execute(db);
    await sql`create trigger posts_daily_ad after delete on posts begin ${add('old', -1)} end`.execute(db);
    await sql`create trigger posts_daily_au after update of published_at, fetched_at, department_id, sentiment_label on posts
      when coalesce(old.published_at, old.fetched_at) is not coalesce(new.published_at, new.fetched_at)
        or old.department_id is not new.department_id or old.sentiment_label is not new.sentiment_label
      begin ${add('old', -1)} ${add('new', 1)} end`.execute(db);
  } else {
    // A post's Beijing day from its ISO time; a value that is not a time counts nowhere (null).
    await sql`create function minsheng_post_day(w text) returns text language plpgsql stable as $$
      begin
        if w is null then return null; end if;
        return to_char((w::timestamptz at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD');
      exception when others then
        return null;
      end $$`.execute(db);
    await sql`create function minsheng_post_daily_delta() returns trigger language plpgsql as $$
      declare
        d text;
      begin
        if tg_op = 'UPDATE'
          and coalesce(old.published_at, old.fetched_at) is not distinct from coalesce(new.published_at, new.fetched_at)
          and old.department_id is not distinct from new.department_id
          and old.sentiment_label is not distinct from new.sentiment_label then
          return null;
        end if;
        if tg_op <> 'INSERT' then
          d := minsheng_post_day(coalesce(old.published_at, old.fetched_at));
          if d is not null then
            insert into post_daily_delta (day, department_key, sentiment, n) values (d, coalesce(old.department_id, 0), coalesce(old.sentiment_label, ''), -1);
          end if;
        end if;
        if tg_op <> 'DELETE' then
          d := minsheng_post_day(coalesce(new.published_at, new.fetched_at));
          if d is not null then
            insert into post_daily_delta (day, department_key, sentiment, n) values (d, coalesce(new.department_id, 0), coalesce(new.sentiment_label, ''), 1);
          end if;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger posts_daily after insert or delete or update of published_at, fetched_at, department_id, sentiment_label on posts
      for each row execute function minsheng_post_daily_delta()`.execute(db);
  }
  // Backfill from the posts already stored (`minsheng migrate --rebuild-rollup` does the same later).
  const day = kind === 'sqlite' ? sql`date(coalesce(published_at, fetched_at), '+8 hours')` : sql`minsheng_post_day(coalesce(published_at, fetched_at))`;
  await sql`insert into post_daily (day, department_key, sentiment, posts)
    select d, k, s, count(*) from (select ${day} as d, coalesce(department_id, 0) as k, coalesce(sentiment_label, '') as s from posts) t
    where d is not null group by d, k, s`.execute(db);
}
