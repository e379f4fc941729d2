import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { analysisHooks, analyzeStoredPosts, newPostSteps, pendingAnalysisTask, processNewPosts } from '../../src/pipeline/index.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { cliActor } from '../../src/auth/actor.ts';
import type { Db } from '../../src/db/connect.ts';
import type { AnalysisHook } from '../../src/pipeline/stages.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertPost, insertSource, testContext } from './helpers.ts';

const RULES = `
watch_rules:
  - name: 夜间施工
    expression: '(施工 OR 打桩) NEAR/10 (噪音 OR 扰民)'
    department: jsk
    min_level: yellow
`;

for (const tdb of testDatabases) {
  describe(`the analysis step [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sourceId: number;
    const added: AnalysisHook[] = [];
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      await applyWorkspace(db.kysely, cliActor(), RULES);
      sourceId = await insertSource(db, '县论坛', 1.5);
    });
    after(async () => drop());
    afterEach(() => {
      for (const h of added.splice(0)) analysisHooks.splice(analysisHooks.indexOf(h), 1);
    });
    const addHook = (h: AnalysisHook) => {
      analysisHooks.push(h);
      added.push(h);
    };

    test('is registered as a new-post step', () => {
      assert.ok(newPostSteps.some((s) => s.name === 'analyze'));
    });

    test('writes every analysis column and calls the hooks with the stored post and the result, inside the transaction', async () => {
      const seen: { postId: number; analyzedInTrx: string | null; result: AnalysisResult }[] = [];
      addHook(async (trx, _ctx, post, result) => {
        const row = await trx.selectFrom('posts').select('analyzed_at').where('id', '=', post.id).executeTakeFirstOrThrow();
        seen.push({ postId: post.id, analyzedInTrx: row.analyzed_at, result });
      });
      const id = await insertPost(db, sourceId, { title: '沿港西路夜间施工', text: '沿港西路工地夜里打桩，噪音扰民，投诉无门，没人管！', views: 3000, replies: 80 });
      await processNewPosts(testContext(db), [id]);
      const post = await db.kysely.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(post.sentiment_label, 'negative');
      assert.ok(typeof post.sentiment_score === 'number');
      assert.ok(post.risk_level && ['yellow', 'orange', 'red'].includes(post.risk_level), post.risk_level ?? '');
      assert.ok(Number(post.risk_score) > 0);
      assert.ok(post.analyzed_at);
      assert.ok(post.event_id);
      assert.match(post.segmented ?? '', /沿港 西路|沿港西路/);
      const jsk = await db.kysely.selectFrom('departments').select('id').where('code', '=', 'jsk').executeTakeFirstOrThrow();
      assert.equal(post.department_id, jsk.id, 'routed by the rule');
      const stored = JSON.parse(post.analysis!) as AnalysisResult;
      assert.equal(stored.rules[0].rule, '夜间施工');
      assert.ok(stored.rules[0].hits.some((h) => h.term === '打桩' && h.field === 'text'));
      assert.ok(stored.departmentReasons[0].includes('监测规则“夜间施工”'));
      assert.ok(stored.risk.reasons.includes('信息源“县论坛”权重为 1.5'));
      assert.equal(seen.length, 1);
      assert.equal(seen[0].postId, id);
      assert.ok(seen[0].analyzedInTrx, 'the hook sees the analysis already written in its transaction');
      assert.deepEqual(seen[0].result, stored);
    });

    test('a hook that throws rolls the whole analysis of that post back, and the other posts go on', async () => {
      const bad = await insertPost(db, sourceId, { text: '城南大桥桥面塌陷，车辆被困，网传有人受伤。' });
      const good = await insertPost(db, sourceId, { text: '城北公园的樱花开了，欢迎市民周末来赏花。' });
      const eventsBefore = (await db.kysely.selectFrom('events').select('id').execute()).length;
      addHook(async (_trx, _ctx, post) => {
        if (post.id === bad) throw new Error('outbox unavailable');
      });
      const out = await analyzeStoredPosts(testContext(db), [bad, good]);
      assert.equal(out[0].result, null);
      assert.match(out[0].error ?? '', /outbox unavailable/);
      assert.ok(out[1].result);
      const row = await db.kysely.selectFrom('posts').selectAll().where('id', '=', bad).executeTakeFirstOrThrow();
      assert.equal(row.analyzed_at, null);
      assert.equal(row.risk_level, null);
      assert.equal(row.event_id, null);
      assert.equal((await db.kysely.selectFrom('events').select('id').execute()).length, eventsBefore + 1, 'only the good post’s event exists');
      // once the hook recovers, the post is analysed normally
      added.splice(0).forEach((h) => analysisHooks.splice(analysisHooks.indexOf(h), 1));
      const again = await analyzeStoredPosts(testContext(db), [bad]);
      assert.ok(again[0].result);
      assert.ok(again[0].result!.risk.reasons.some((r) => r.includes('突发事件与灾害')));
    });

    test('velocity between fetches comes from the metrics history', async () => {
      const id = await insertPost(db, sourceId, { text: '市民反映城西自来水厂停水三天，居民生活受影响。', views: 50000, replies: 900 });
      await db.kysely
        .insertInto('post_metrics')
        .values([
          { post_id: id, at: '2026-11-20T08:00:00.000Z', views: 1000, replies: 10, likes: 0, reposts: 0 },
          { post_id: id, at: '2026-11-20T09:00:00.000Z', views: 50000, replies: 900, likes: 0, reposts: 0 },
        ])
        .execute();
      const [o] = await analyzeStoredPosts(testContext(db), [id]);
      assert.ok(o.result!.risk.reasons.includes('关注度上升快：近 1 小时内浏览 +49000、回复 +890'), o.result!.risk.reasons.join('|'));
    });

    test('posts left unanalysed are picked up by the periodic task', async () => {
      const id = await insertPost(db, sourceId, { text: '城西自来水厂停水，居民排队接水。' });
      await db.kysely.updateTable('posts').set({ fetched_at: '2026-01-01T00:00:00.000Z' }).where('id', '=', id).execute();
      const fresh = await insertPost(db, sourceId, { text: '刚刚抓取的帖子，还在分析流程中。' });
      await pendingAnalysisTask.run(testContext(db));
      const rows = await db.kysely.selectFrom('posts').select(['id', 'analyzed_at']).where('id', 'in', [id, fresh]).orderBy('id').execute();
      assert.ok(rows[0].analyzed_at, 'an old unanalysed post is analysed');
      assert.equal(rows[1].analyzed_at, null, 'a post stored moments ago is left to its own pipeline run');
    });

    test('a missing post is reported, not thrown', async () => {
      const out = await analyzeStoredPosts(testContext(db), [999999]);
      assert.deepEqual(out, [{ postId: 999999, result: null, error: 'post not found' }]);
    });
  });
}
