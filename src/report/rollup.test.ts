import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { cliActor } from '../auth/actor.ts';
import { analyzeStoredPosts } from '../pipeline/index.ts';
import { correctPost } from '../analyze/learn/labels.ts';
import { localDate } from '../time/calendar.ts';
import { storeItems } from '../collect/store.ts';
import type { CollectedItem } from '../collect/types.ts';
import type { Db } from '../db/connect.ts';
import { runCli } from '../../test/helpers/cli.ts';
import { testDatabases } from '../../test/helpers/db.ts';
import { seedOrg } from '../../test/helpers/fixtures.ts';
import { addSource, testContext } from '../../test/collect/helpers.ts';
import { dashboard } from './dashboard.ts';
import { addDays, parsePeriod } from './period.ts';
import { compactRollup, dailyCounts, rebuildRollup } from './rollup.ts';
import { trendCountedFromPosts, trendOf } from './stats.ts';

/*
 * The dashboard's figures come from the daily roll-up; they must always equal the figures
 * counted from the posts themselves: after collection and analysis, after people's corrections,
 * after a deletion, after the PostgreSQL deltas are folded, and after a rebuild of a drifted
 * roll-up.
 */
for (const kind of testDatabases) {
  describe(`daily roll-up of posts (${kind.kind})`, () => {
    let db: Db;
    let url: string;
    let drop: () => Promise<void>;
    let depts: Record<string, number>;
    let postIds: number[] = [];
    const now = new Date();
    const today = localDate(now);
    const office: Actor = cliActor();

    before(async () => {
      ({ db, url, drop } = await kind.create());
      depts = await seedOrg(db);
      const source = await addSource(db, { name: '本地论坛', kind: 'manual' });
      const texts = ['建设路施工噪音扰民，晚上无法休息，强烈不满', '感谢住建局及时修好了路灯，点赞', '翡翠湾小区物业乱收费，希望有关部门管一管', '人民大道积水严重，出行困难', '幸福里小区绿化很好'];
      const items: CollectedItem[] = [];
      for (let i = 0; i < 60; i++) {
        // Spread over 35 days; some exactly on a Beijing midnight or a second before it; some without a publication time.
        const day = addDays(today, -(i % 35));
        const publishedAt =
          i % 11 === 0 ? null : i % 7 === 0 ? new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString() : i % 7 === 1 ? new Date(Date.parse(`${day}T00:00:00+08:00`) - 1000).toISOString() : new Date(Math.min(now.getTime(), Date.parse(`${day}T${String(i % 24).padStart(2, '0')}:17:00+08:00`))).toISOString();
        items.push({ externalId: `t${i}`, url: null, title: `${texts[i % texts.length].slice(0, 10)}${i}`, text: `${texts[i % texts.length]}（第${i}帖）`, contentHtml: null, author: null, publishedAt, metrics: {} });
      }
      const stored = await storeItems(db.kysely, source, items, now);
      postIds = stored.created;
      assert.equal(postIds.length, 60);
    });
    after(async () => drop());

    /** Every figure the roll-up serves, compared with the same figure counted from the posts. */
    async function assertMatchesPosts(label: string) {
      const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
      const quarter = parsePeriod(`${addDays(today, -99)}..${today}`);
      for (const departmentId of [null, depts.jsk, depts.zfk, depts.office]) {
        const scope = { departmentId };
        assert.deepEqual((await trendOf(db.kysely, last30, scope)).buckets, (await trendCountedFromPosts(db.kysely, last30, scope)).buckets, `${label}: 30-day trend, department ${departmentId}`);
        assert.deepEqual((await trendOf(db.kysely, quarter, scope)).buckets, (await trendCountedFromPosts(db.kysely, quarter, scope)).buckets, `${label}: monthly trend, department ${departmentId}`);
        const d = await dashboard(db.kysely, { now, departmentId });
        let q = db.kysely.selectFrom('posts').select(['sentiment_label']).where(sql`coalesce(published_at, fetched_at)`, '>=', parsePeriod(today).start).where(sql`coalesce(published_at, fetched_at)`, '<', parsePeriod(today).end);
        if (departmentId !== null) q = q.where('department_id', '=', departmentId);
        const rows = await q.execute();
        assert.equal(d.today.posts, rows.length, `${label}: today's posts`);
        assert.equal(d.today.negative, rows.filter((r) => r.sentiment_label === 'negative').length, `${label}: today's negative posts`);
      }
      const all = await dailyCounts(db.kysely, { firstDay: '2000-01-01', lastDay: '2999-12-31' });
      const total = [...all.values()].reduce((s, c) => s + c.count, 0);
      const posts = Number((await db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(total, posts, `${label}: every post counted once`);
    }

    test('stored posts are counted at once, before analysis', async () => {
      await assertMatchesPosts('stored');
      assert.ok((await dailyCounts(db.kysely, { firstDay: today, lastDay: today })).get(today)!.count > 0);
    });

    test('after analysis (sentiment and department set by the pipeline)', async () => {
      const out = await analyzeStoredPosts(testContext(db), postIds);
      assert.equal(out.filter((o) => o.error).length, 0);
      const negative = await db.kysely.selectFrom('posts').select('id').where('sentiment_label', '=', 'negative').execute();
      assert.ok(negative.length > 0, 'some posts were analysed as negative');
      await assertMatchesPosts('analysed');
    });

    test("after people's corrections of sentiment and department", async () => {
      const positive = await db.kysely.selectFrom('posts').select('id').where('sentiment_label', '!=', 'negative').orderBy('id').limit(3).execute();
      for (const p of positive) await correctPost(db.kysely, office, p.id, { sentiment: 'negative' });
      const negative = await db.kysely.selectFrom('posts').select('id').where('sentiment_label', '=', 'negative').orderBy('id', 'desc').limit(2).execute();
      for (const p of negative) await correctPost(db.kysely, office, p.id, { sentiment: 'neutral', department: 'zfk' });
      const moved = await db.kysely.selectFrom('posts').select('id').where('department_id', '=', depts.zfk).execute();
      assert.ok(moved.length >= 2);
      await assertMatchesPosts('corrected');
    });

    test('after a post is deleted, and a post whose time is not a time is counted nowhere', async () => {
      await db.kysely.deleteFrom('post_metrics').where('post_id', '=', postIds[5]).execute();
      await db.kysely.deleteFrom('posts').where('id', '=', postIds[5]).execute();
      const [bad] = await db.kysely.selectFrom('sources').select('id').execute();
      await db.kysely
        .insertInto('posts')
        .values({ source_id: bad.id, external_id: 'x', dedup_key: 'x', url: null, title: '坏时间', text: '坏时间', author: null, published_at: 'not a time', fetched_at: 'not a time either', updated_at: now.toISOString(), views: 0, replies_count: 0, likes: 0, reposts: 0, abuse: 0 } as never)
        .execute();
      const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
      assert.deepEqual((await trendOf(db.kysely, last30)).buckets, (await trendCountedFromPosts(db.kysely, last30)).buckets);
      await db.kysely.deleteFrom('posts').where('dedup_key', '=', 'x').execute();
      await assertMatchesPosts('deleted');
    });

    test('folding the deltas changes no figure, and leaves none behind', async () => {
      const pending = Number((await db.kysely.selectFrom('post_daily_delta').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      if (kind.kind === 'postgres') assert.ok(pending > 0, 'PostgreSQL triggers append deltas');
      else assert.equal(pending, 0, 'SQLite triggers count in post_daily directly');
      assert.equal(await compactRollup(db.kysely), pending);
      const left = Number((await db.kysely.selectFrom('post_daily_delta').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(left, 0);
      const zero = await db.kysely.selectFrom('post_daily').select('day').where('posts', '<=', 0).execute();
      assert.equal(zero.length, 0, 'no empty or negative rows');
      await assertMatchesPosts('compacted');
    });

    test('a drifted roll-up is wrong until rebuilt, then right again', async () => {
      await db.kysely.updateTable('post_daily').set({ posts: sql`posts + 7` }).where('day', '=', today).execute();
      const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
      assert.notDeepEqual((await trendOf(db.kysely, last30)).buckets, (await trendCountedFromPosts(db.kysely, last30)).buckets);
      const r = await rebuildRollup(db.kysely);
      const posts = Number((await db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(r.posts, posts);
      const times = await db.kysely.selectFrom('posts').select(['published_at', 'fetched_at']).execute();
      assert.equal(r.days, new Set(times.map((t) => localDate(t.published_at ?? t.fetched_at))).size);
      await assertMatchesPosts('rebuilt');
    });

    test('`minsheng migrate --rebuild-rollup` rebuilds it from the command line', async () => {
      await db.kysely.deleteFrom('post_daily').execute();
      const run = await runCli(['migrate', '--rebuild-rollup', '--db', url]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /daily roll-up rebuilt: \d+ posts over \d+ days/);
      await assertMatchesPosts('rebuilt from the CLI');
    });
  });
}
