import { sql, type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from '../db/schema.ts';
import { num } from '../db/values.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';

/**
 * The daily roll-up of posts (migration 010): posts per Beijing day, department and sentiment,
 * kept by triggers on posts. On PostgreSQL the triggers append to `post_daily_delta` and
 * `compactRollup` folds those into `post_daily`; readers add both, so a figure is exact at any
 * moment, compacted or not.
 */

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export interface DayCount {
  count: number;
  negative: number;
}

/** Posts and negative posts per Beijing day (YYYY-MM-DD) from `firstDay` to `lastDay` inclusive; days without posts are absent. */
export async function dailyCounts(db: Kysely<Database>, range: { firstDay: string; lastDay: string; departmentId?: number | null }): Promise<Map<string, DayCount>> {
  const dept = range.departmentId ?? null;
  const scope = (column: string) => (dept === null ? sql`` : sql`and ${sql.ref(column)} = ${dept}`);
  const rows = await sql<{ day: string; n: number | string; neg: number | string }>`
    select day, sum(posts) as n, sum(case when sentiment = 'negative' then posts else 0 end) as neg from (
      select day, sentiment, posts from post_daily where day >= ${range.firstDay} and day <= ${range.lastDay} ${scope('department_key')}
      union all
      select day, sentiment, n as posts from post_daily_delta where day >= ${range.firstDay} and day <= ${range.lastDay} ${scope('department_key')}
    ) t group by day`.execute(db);
  const out = new Map<string, DayCount>();
  for (const r of rows.rows) {
    const count = num(r.n);
    if (count !== 0) out.set(r.day, { count, negative: num(r.neg) });
  }
  return out;
}

/**
 * Folds the appended deltas into `post_daily` (PostgreSQL; SQLite triggers write `post_daily`
 * directly and this only tidies). One statement moves exactly the deltas it deletes, so deltas
 * committed meanwhile wait for the next run; concurrent runs skip through an advisory lock.
 * Returns how many delta rows were folded.
 */
export async function compactRollup(db: Kysely<Database>): Promise<number> {
  const folded = await foldDeltas(db);
  // Readers scan the delta table: after a large fold (a bulk import) its dead rows would slow
  // them until autovacuum comes by, so clear them now (outside the transaction, as VACUUM must be).
  if (folded >= VACUUM_AFTER && isPostgres(db)) await sql`vacuum post_daily_delta`.execute(db);
  return folded;
}

const VACUUM_AFTER = 10_000;

async function foldDeltas(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (isPostgres(db)) {
      const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext('minsheng.post_daily')) as ok`.execute(trx);
      if (!lock.rows[0]?.ok) return 0;
      const moved = await sql<{ n: number | string }>`
        with moved as (delete from post_daily_delta returning day, department_key, sentiment, n),
        folded as (
          insert into post_daily (day, department_key, sentiment, posts)
          select day, department_key, sentiment, sum(n) from moved group by day, department_key, sentiment
          on conflict (day, department_key, sentiment) do update set posts = post_daily.posts + excluded.posts
        )
        select count(*) as n from moved`.execute(trx);
      await sql`delete from post_daily where posts = 0`.execute(trx);
      return num(moved.rows[0]?.n);
    }
    // SQLite: nothing appends deltas; only write (and so take the database's write lock) when there is something to tidy.
    const n = num((await sql<{ n: number }>`select count(*) as n from post_daily_delta`.execute(trx)).rows[0]?.n);
    if (n > 0) {
      await sql`insert into post_daily (day, department_key, sentiment, posts)
        select day, department_key, sentiment, sum(n) from post_daily_delta where true group by day, department_key, sentiment
        on conflict (day, department_key, sentiment) do update set posts = post_daily.posts + excluded.posts`.execute(trx);
      await sql`delete from post_daily_delta`.execute(trx);
    }
    const empty = await sql`select 1 from post_daily where posts = 0 limit 1`.execute(trx);
    if (empty.rows.length) await sql`delete from post_daily where posts = 0`.execute(trx);
    return n;
  });
}

/**
 * Recounts the roll-up from posts (`minsheng migrate --rebuild-rollup`), for a roll-up that
 * drifted (e.g. rows changed by hand with the triggers disabled). On PostgreSQL the roll-up
 * tables are locked meanwhile, so a post stored concurrently is counted exactly once (its
 * trigger waits, then appends its delta after the recount).
 */
export async function rebuildRollup(db: Kysely<Database>): Promise<{ days: number; posts: number }> {
  const pg = isPostgres(db);
  await db.transaction().execute(async (trx) => {
    if (pg) {
      // The compaction's lock first (it then skips rather than deadlocks), then the tables.
      await sql`select pg_advisory_xact_lock(hashtext('minsheng.post_daily'))`.execute(trx);
      await sql`lock table post_daily, post_daily_delta in exclusive mode`.execute(trx);
    }
    await sql`delete from post_daily_delta`.execute(trx);
    await sql`delete from post_daily`.execute(trx);
    const day = pg ? sql`minsheng_post_day(coalesce(published_at, fetched_at))` : sql`date(coalesce(published_at, fetched_at), '+8 hours')`;
    await sql`insert into post_daily (day, department_key, sentiment, posts)
      select d, k, s, count(*) from (select ${day} as d, coalesce(department_id, 0) as k, coalesce(sentiment_label, '') as s from posts) t
      where d is not null group by d, k, s`.execute(trx);
  });
  const r = await sql<{ days: number | string; posts: number | string }>`select count(distinct day) as days, coalesce(sum(posts), 0) as posts from post_daily`.execute(db);
  return { days: num(r.rows[0]?.days), posts: num(r.rows[0]?.posts) };
}

/** Periodic fold of the roll-up's deltas (src/jobs/tasks.ts). */
export const rollupTask: PeriodicTask = {
  name: 'report.rollup',
  intervalMs: 60_000,
  async run(ctx) {
    const n = await compactRollup(ctx.db.kysely);
    if (n > 0) ctx.log.debug({ deltas: n }, 'post roll-up compacted');
  },
};
