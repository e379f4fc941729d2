import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Compilable } from 'kysely';
import { storedCountsQuery } from '../../src/analyze/risk/bursts.ts';
import { nearDuplicateCandidates, nearDuplicateOf, NEAR_DUPLICATE_WINDOW_MS } from '../../src/collect/store.ts';
import { simhashHex } from '../../src/collect/simhash.ts';
import type { Db } from '../../src/db/connect.ts';
import { optimizePlanner } from '../../src/db/maintenance.ts';
import { newestPostsSqlite } from '../../src/collect/search.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { testDatabases } from '../helpers/db.ts';

/**
 * Issue 23: what every ingest reads is an indexed lookup, also on a database whose planner has
 * never been given statistics (a user's SQLite file): the near-duplicate check and the burst
 * counts. The plans are read from the database itself.
 */

const HOUR = 3_600_000;

/** The database's plan of a query, as one text. */
async function planOf(db: Db, query: Compilable): Promise<string> {
  const c = query.compile();
  const prefix = db.kind === 'sqlite' ? 'explain query plan ' : 'explain ';
  const r = await db.kysely.executeQuery<Record<string, string>>({ ...c, sql: `${prefix}${c.sql}` });
  return r.rows.map((row) => row.detail ?? row['QUERY PLAN']).join('\n');
}

/** Full table reads of posts in a plan (SQLite "SCAN posts", PostgreSQL "Seq Scan on posts"). */
function scansPosts(plan: string): boolean {
  return /SCAN posts(?! USING)|Seq Scan on posts/.test(plan);
}

for (const kind of testDatabases) {
  describe(`ingest-time lookups at scale (${kind.kind})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sources: number[];
    const base = Date.parse('2026-10-10T08:00:00Z');

    before(async () => {
      const made = await kind.create();
      db = made.db;
      drop = made.drop;
      const now = new Date().toISOString();
      sources = [];
      for (const name of ['甲', '乙', '丙']) {
        const r = await db.kysely.insertInto('sources').values({ name, kind: 'push', url: null, config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        sources.push(r.id);
      }
      // Enough posts that a scan and an index differ to every planner: random hashes over 30 days, a few topics and events.
      let seed = 11;
      const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 4294967296);
      const rows = Array.from({ length: 6000 }, (_, i) => {
        const at = new Date(base - Math.floor(rnd() * 30 * 24) * HOUR).toISOString();
        const hash = (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
        return {
          source_id: sources[i % 3],
          external_id: `x${i}`,
          dedup_key: `id:x${i}`,
          title: '',
          text: '',
          published_at: at,
          fetched_at: at,
          updated_at: at,
          simhash: simhashHex(hash),
          topic: ['城乡建设/物业管理', '环境保护/噪声污染', '交通运输/道路交通'][i % 3],
          views: 0,
          replies_count: 0,
          likes: 0,
          reposts: 0,
          abuse: 0,
        };
      });
      for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('posts').values(rows.slice(i, i + 500)).execute();
      // PostgreSQL keeps its statistics by autovacuum; SQLite has none unless the product makes them.
      if (db.kind === 'postgres') await sql`analyze posts`.execute(db.kysely);
    });
    after(async () => drop());

    async function post(source: number, hash: bigint, at: number, nearDuplicateOf: number | null = null): Promise<number> {
      const iso = new Date(at).toISOString();
      const n = Math.random().toString(36).slice(2);
      const r = await db.kysely
        .insertInto('posts')
        .values({ source_id: source, external_id: n, dedup_key: `id:${n}`, title: '', text: '', published_at: iso, fetched_at: iso, updated_at: iso, simhash: simhashHex(hash), near_duplicate_of: nearDuplicateOf, views: 0, replies_count: 0, likes: 0, reposts: 0, abuse: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    }

    test('a near-duplicate is found whichever bands its differing bits fall in; 7 bits, the same source or another week are not', async () => {
      const h = 0x9a3c_51e7_0b44_c2d9n;
      const at = base + 5 * HOUR;
      // 6 bits: two in band 0, two in band 1, one in band 2, one in band 3 (no band is equal)
      const six = h ^ ((0b11n << 60n) | (0b101n << 40n) | (1n << 20n) | (1n << 3n));
      const original = await post(sources[0], six, at - 2 * HOUR);
      assert.equal(await nearDuplicateOf(db.kysely, sources[1], h, at), original);
      // the same source never links to itself
      assert.equal(await nearDuplicateOf(db.kysely, sources[0], h, at), null);
      // 7 bits apart: not a near-duplicate
      const seven = h ^ ((0b111n << 52n) | (0b11n << 36n) | (1n << 20n) | (1n << 3n));
      const h2 = 0x1111_2222_3333_4444n;
      await post(sources[0], seven ^ h ^ h2, at);
      assert.equal(await nearDuplicateOf(db.kysely, sources[1], h2, at), null);
      // outside the window around the post's time
      const h3 = 0x5555_6666_7777_8888n;
      await post(sources[0], h3, at - NEAR_DUPLICATE_WINDOW_MS - HOUR);
      assert.equal(await nearDuplicateOf(db.kysely, sources[1], h3, at), null);
      assert.notEqual(await nearDuplicateOf(db.kysely, sources[1], h3, at - NEAR_DUPLICATE_WINDOW_MS), null);
    });

    test('the nearest wins, and the root of its group is what a post links to', async () => {
      const h = 0x0f0f_f0f0_1234_abcdn;
      const at = base + 50 * HOUR;
      const root = await post(sources[0], h ^ 0b11n, at - HOUR);
      const far = await post(sources[1], h ^ 0b1111n, at - HOUR);
      await post(sources[1], h ^ 0b1n, at - HOUR, root);
      assert.equal(await nearDuplicateOf(db.kysely, sources[2], h, at), root, 'the one-bit post, whose root is the first');
      assert.ok(far > root);
    });

    test('the near-duplicate probe reads the band indexes, not the posts table', async () => {
      const plan = await planOf(db, nearDuplicateCandidates(db.kysely, 0x0123_4567_89ab_cdefn, base));
      assert.ok(!scansPosts(plan), plan);
      for (let b = 0; b < 4; b++) assert.match(plan, new RegExp(`posts_simhash_b${b}`), plan);
    });

    test('with the statistics the product keeps (PRAGMA optimize), the lookups stay indexed and the newest posts are read from the time index', async () => {
      if (db.kind !== 'sqlite') return;
      // a workspace's handful of sources, as the planner sees them once analysed
      const now = new Date().toISOString();
      for (const name of ['丁', '戊', '己', '庚', '辛']) await db.kysely.insertInto('sources').values({ name, kind: 'push', url: null, config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now }).execute();
      await optimizePlanner(db);
      await sql`pragma optimize = 0x10002`.execute(db.kysely);
      assert.ok(Number((await sql<{ n: number }>`select count(*) as n from sqlite_stat1 where tbl = 'posts'`.execute(db.kysely)).rows[0].n) > 0, 'statistics exist');
      // the figures PRAGMA optimize wrote for a real workspace of 50,000 posts and 8 sources (bench load), under which
      // the planner read the sources first and sorted every post for one page
      const real: [string, string, string][] = [
        ['sources', 'sources_next_check', '8 8'],
        ['sources', 'sqlite_autoindex_sources_1', '8 1'],
        ['posts', 'posts_near_duplicate', '296 2'],
        ['posts', 'posts_event_when', '50000 2 1'],
        ['posts', 'posts_topic_when', '50000 1001 1'],
        ['posts', 'posts_simhash_b0', '49998 2 1'],
        ['posts', 'posts_simhash_b1', '49998 3 1'],
        ['posts', 'posts_simhash_b2', '49998 2 1'],
        ['posts', 'posts_simhash_b3', '49998 2 1'],
        ['posts', 'posts_department_when', '50000 1001 1 1'],
        ['posts', 'posts_when_sentiment', '50000 1 1'],
        ['posts', 'posts_when', '50000 1'],
        ['posts', 'posts_source_published', '50000 1001 1'],
        ['posts', 'posts_unanalyzed', '50000 1'],
        ['posts', 'posts_department', '50000 1001'],
        ['posts', 'posts_fetched', '50000 1'],
        ['posts', 'posts_published', '50000 1'],
        ['posts', 'sqlite_autoindex_posts_1', '50000 1001 1'],
      ];
      await sql`delete from sqlite_stat1 where tbl in ('posts', 'sources')`.execute(db.kysely);
      for (const [tbl, idx, stat] of real) {
        await sql`delete from sqlite_stat1 where tbl = ${tbl} and idx = ${idx}`.execute(db.kysely);
        await sql`insert into sqlite_stat1 (tbl, idx, stat) values (${tbl}, ${idx}, ${stat})`.execute(db.kysely);
      }
      await sql`analyze sqlite_schema`.execute(db.kysely);
      const plan = await planOf(db, nearDuplicateCandidates(db.kysely, 0x0123_4567_89ab_cdefn, base));
      assert.ok(!scansPosts(plan), plan);
      const at = new Date(base).toISOString();
      assert.match(await planOf(db, storedCountsQuery(db.kysely, { topic: '城乡建设/物业管理' }, at, 1)), /posts_topic_when/);
      assert.match(await planOf(db, storedCountsQuery(db.kysely, { eventId: 3 }, at, 1)), /posts_event_when/);
      const c = newestPostsSqlite(db.kysely, cliActor(), { limit: 20 });
      const r = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
      const list = r.rows.map((x) => x.detail).join('\n');
      // posts first, in time order (a tie of equal times sorted by id at most), never every post sorted for one page
      assert.match(list, /^SCAN posts USING INDEX posts_when/, list);
      assert.doesNotMatch(list, /TEMP B-TREE FOR ORDER BY/, list);
    });

    test('burst counts read the (topic, time) and (event, time) indexes', async () => {
      const at = new Date(base).toISOString();
      const topicPlan = await planOf(db, storedCountsQuery(db.kysely, { topic: '城乡建设/物业管理' }, at, 1));
      assert.match(topicPlan, /posts_topic_when/, topicPlan);
      const eventPlan = await planOf(db, storedCountsQuery(db.kysely, { eventId: 3 }, at, 1));
      assert.match(eventPlan, /posts_event_when/, eventPlan);
    });
  });
}
