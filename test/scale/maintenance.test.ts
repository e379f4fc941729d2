import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { optimizePlanner } from '../../src/db/maintenance.ts';
import { periodicTasks } from '../../src/jobs/tasks.ts';
import { testDatabases } from '../helpers/db.ts';

async function addPosts(db: Db, n: number, from = 0) {
  const now = new Date().toISOString();
  let source = await db.kysely.selectFrom('sources').select('id').executeTakeFirst();
  source ??= await db.kysely
    .insertInto('sources')
    .values({ name: 't', kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: now, updated_at: now } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { source_id: source.id, external_id: `p${i}`, dedup_key: `t:${i}`, url: null, title: `帖子${i}`, text: '内容', author: 'x', published_at: now, fetched_at: now, updated_at: now, views: 0, replies_count: 0, likes: 0, reposts: 0, topic: `话题${i % 20}`, risk_level: 'blue', risk_score: 0, abuse: 0 };
  });
  for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('posts').values(rows.slice(i, i + 500) as never).execute();
}

const postStats = async (db: Db) => (await sql<{ idx: string; stat: string }>`select idx, stat from sqlite_stat1 where tbl = 'posts'`.execute(db.kysely)).rows;

// Issue 23: the product keeps the planner's statistics current itself; nobody runs ANALYZE on a user's database.
for (const kind of testDatabases) {
  describe(`planner statistics maintenance (${kind.kind})`, () => {
    let db: Db;
    let url: string;
    let drop: () => Promise<void>;
    before(async () => ({ db, url, drop } = await kind.create()));
    after(async () => {
      await db.close().catch(() => undefined);
      await drop();
    });

    test('the hourly db.optimize task is registered, in every process', () => {
      const task = periodicTasks.find((t) => t.name === 'db.optimize');
      assert.ok(task && task.local && task.intervalMs === 3_600_000);
    });

    if (kind.kind === 'sqlite') {
      test('SQLite: a table that grew is analysed by the periodic optimize and on open, never by hand', async () => {
        await addPosts(db, 200);
        await db.kysely.selectFrom('posts').select('id').where('topic', '=', '话题1').execute();
        assert.equal(await optimizePlanner(db), true);
        const small = await postStats(db);
        const rowsOf = (stats: { stat: string }[]) => Math.max(0, ...stats.map((s) => Number(s.stat.split(' ')[0])));
        // grown 25-fold: the periodic run sees it
        await addPosts(db, 5000, 200);
        await db.kysely.selectFrom('posts').select('id').where('topic', '=', '话题1').execute();
        await optimizePlanner(db);
        const grown = await postStats(db);
        assert.ok(rowsOf(grown) >= 5000, JSON.stringify({ small, grown }));
        assert.ok(grown.some((s) => s.idx === 'posts_topic_when'), JSON.stringify(grown));
        // statistics removed (as on a database that never had any): opening it brings them back
        await sql`delete from sqlite_stat1`.execute(db.kysely);
        await db.close();
        db = await openDatabase(url);
        assert.ok(rowsOf(await postStats(db)) >= 5000);
      });
    } else {
      test('PostgreSQL: autovacuum analyses the growing tables after 2% changed', async () => {
        const rows = (await sql<{ relname: string; reloptions: string[] | null }>`select relname, reloptions from pg_class where relname in ('posts', 'post_metrics', 'alerts', 'event_keys') and relkind = 'r'`.execute(db.kysely)).rows;
        assert.equal(rows.length, 4);
        for (const r of rows) assert.ok(r.reloptions?.includes('autovacuum_analyze_scale_factor=0.02'), JSON.stringify(r));
        assert.equal(await optimizePlanner(db), false);
      });
    }
  });
}
