import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyzerRevision, workspaceAnalyzer } from '../../src/analyze/analyzer.ts';
import { createWatchRule, deleteWatchRule, updateWatchRule } from '../../src/analyze/rules/store.ts';
import { setSensitiveTerms } from '../../src/analyze/rules/sensitive.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { updateSource } from '../../src/collect/manage.ts';
import type { Db } from '../../src/db/connect.ts';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertPost, insertSource, testContext } from './helpers.ts';

/**
 * The workspace's analyzer is kept between batches (issue 23) and built again exactly when what it
 * is built from changes, through the stores people use, in any process.
 */
for (const tdb of testDatabases) {
  describe(`the kept workspace analyzer [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sourceId: number;
    const actor = cliActor();
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      sourceId = await insertSource(db, '县论坛', 1);
    });
    after(async () => drop());

    const analyse = async (text: string) => {
      const id = await insertPost(db, sourceId, { title: '', text, published_at: '2026-05-02T02:00:00.000Z' });
      const [out] = await analyzeStoredPosts(testContext(db), [id]);
      assert.ok(out.result, out.error ?? '');
      return out.result;
    };

    test('is the same analyzer while nothing it is built from changed', async () => {
      const a = await workspaceAnalyzer(db.kysely);
      await analyse('小区门口路灯坏了');
      const b = await workspaceAnalyzer(db.kysely);
      assert.equal(a, b);
      assert.equal(await analyzerRevision(db.kysely), await analyzerRevision(db.kysely));
    });

    test('sees a watch rule created, changed, switched off and deleted', async () => {
      const before = await workspaceAnalyzer(db.kysely);
      const rule = await createWatchRule(db.kysely, actor, { name: '路灯', expression: '路灯' });
      assert.notEqual(await workspaceAnalyzer(db.kysely), before);
      assert.deepEqual((await analyse('小区路灯坏了一个月')).rules.map((r) => r.rule), ['路灯']);
      await updateWatchRule(db.kysely, actor, rule.id, { expression: '井盖' });
      assert.deepEqual((await analyse('小区路灯坏了一个月')).rules, []);
      assert.deepEqual((await analyse('井盖丢了')).rules.map((r) => r.rule), ['路灯']);
      await updateWatchRule(db.kysely, actor, rule.id, { enabled: false });
      assert.deepEqual((await analyse('井盖丢了')).rules, []);
      await updateWatchRule(db.kysely, actor, rule.id, { enabled: true });
      assert.deepEqual((await analyse('井盖丢了')).rules.map((r) => r.rule), ['路灯']);
      await deleteWatchRule(db.kysely, actor, rule.id);
      assert.deepEqual((await analyse('井盖丢了')).rules, []);
    });

    test('sees a watch period, sensitive terms and a source weight', async () => {
      const text = '幸福花园开盘当天排队的人说房子有质量问题';
      assert.deepEqual((await analyse(text)).risk.reasons.filter((r) => r.includes('幸福花园开盘')), []);
      await applyWorkspace(
        db.kysely,
        actor,
        `
watch_periods:
  - name: 幸福花园开盘
    keywords: [幸福花园]
    starts: 2026-05-01
    ends: 2026-05-03
    boost: 1.5
`,
      );
      assert.ok((await analyse(text)).risk.reasons.some((r) => r.includes('幸福花园开盘')));

      const before = await analyzerRevision(db.kysely);
      await setSensitiveTerms(db.kysely, actor, { terms: ['排队'] });
      assert.notEqual(await analyzerRevision(db.kysely), before);
      assert.ok((await analyse(text)).risk.reasons.some((r) => r.includes('排队')));

      const weighed = await analyzerRevision(db.kysely);
      await updateSource(db.kysely, actor, sourceId, { weight: 3 });
      assert.notEqual(await analyzerRevision(db.kysely), weighed);
    });

    test('sees dictionary words', async () => {
      const before = await workspaceAnalyzer(db.kysely);
      await applyWorkspace(db.kysely, actor, 'dictionary:\n  - { word: 沿港西路, kind: road }\n');
      const after = await workspaceAnalyzer(db.kysely);
      assert.notEqual(after, before);
      assert.ok(after.names.has('沿港西路'));
    });
  });
}
