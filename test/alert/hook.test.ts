import assert from 'node:assert/strict';
import type { Kysely, Selectable } from 'kysely';
import type { PostTable } from '../../src/db/schema.ts';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { alertHook } from '../../src/alert/hook.ts';
import { listenForWakes } from '../../src/alert/runner.ts';
import { buildMessage } from '../../src/alert/message.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { analysisHooks } from '../../src/pipeline/index.ts';
import type { RiskLevel } from '../../src/levels.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, type AlertWorld } from './helpers.ts';
import { webhookReceiver } from './standins.ts';

const result = (level: RiskLevel, rules: string[], event: number | null = null): AnalysisResult => ({
  sentiment: { label: 'negative', score: -0.8, reasons: [] },
  topic: '住房',
  topicReasons: [],
  department: null,
  departmentReasons: [],
  risk: { level, score: 0.7, reasons: ['负面情绪强烈'] },
  keywords: [],
  rules: rules.map((rule) => ({ rule, hits: [] })),
  event,
  abuse: { flagged: false, reasons: [] },
});

for (const tdb of testDatabases) {
  describe(`analysis hook [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let sourceId: number;
    const now = new Date().toISOString();
    const post = async (departmentId: number | null, title = '某小区地下车库漏水') =>
      loose()
        .insertInto('posts')
        .values({ source_id: sourceId, dedup_key: `k${Math.random()}`, title, text: '业主反映地下车库长期漏水，物业不管。', fetched_at: now, updated_at: now, department_id: departmentId })
        .returningAll()
        .executeTakeFirstOrThrow() as Promise<Selectable<PostTable>>;
    // Fixture rows give only the columns these tests need; the database fills in its defaults.
    const loose = () => w.db.kysely as unknown as Kysely<any>;
    const run = (p: Awaited<ReturnType<typeof post>>, r: AnalysisResult) => w.db.kysely.transaction().execute((trx) => alertHook(trx, w.ctx, p, r));
    const alertsOf = async (channel: number) => w.db.kysely.selectFrom('alerts').selectAll().where('channel_id', '=', channel).execute();

    beforeEach(async () => {
      w = await alertWorld(tdb);
      sourceId = (await loose().insertInto('sources').values({ name: '县论坛', kind: 'feed', config: '{}', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      for (const [name, dept, min] of [
        ['小区漏水', 'zfk', 'blue'],
        ['拆迁补偿', null, 'orange'],
      ] as const) {
        await loose().insertInto('watch_rules').values({ name, expression: name, department_id: dept ? w.departments[dept] : null, min_level: min, created_at: now, updated_at: now }).execute();
      }
    });
    afterEach(() => w.drop());

    test('is registered as an analysis hook', () => {
      assert.ok(analysisHooks.includes(alertHook));
    });

    test("a matched rule alerts the rule's department and the office, not other departments", async () => {
      const zfk = await addChannel(w, { name: '住房科', kind: 'inapp', department_id: w.departments.zfk });
      const jsk = await addChannel(w, { name: '建设科', kind: 'inapp', department_id: w.departments.jsk });
      const office = await addChannel(w, { name: '办公室', kind: 'inapp', department_id: w.departments.office });
      const p = await post(null);
      await run(p, result('yellow', ['小区漏水']));
      assert.equal((await alertsOf(zfk.id)).length, 1);
      assert.equal((await alertsOf(jsk.id)).length, 0);
      assert.equal((await alertsOf(office.id)).length, 1);
      const a = (await alertsOf(zfk.id))[0];
      assert.equal(a.post_id, p.id);
      assert.equal(a.department_id, w.departments.zfk);
      assert.match(a.body, /命中规则：小区漏水/);
      assert.match(a.body, /县论坛/);
    });

    test('re-analysis of a re-fetched post never alerts the same channel twice', async () => {
      const ch = await addChannel(w, { name: '全部', kind: 'inapp' });
      const p = await post(w.departments.zfk);
      await run(p, result('orange', ['小区漏水']));
      await run(p, result('red', ['小区漏水']));
      assert.equal((await alertsOf(ch.id)).length, 1);
    });

    test('posts of the same event alert a channel once per rule', async () => {
      const ch = await addChannel(w, { name: '全部', kind: 'inapp' });
      const event = (await loose().insertInto('events').values({ title: '漏水', first_seen_at: now, last_seen_at: now, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      await run(await post(null, '帖一'), result('yellow', ['小区漏水'], event));
      await run(await post(null, '帖二'), result('yellow', ['小区漏水'], event));
      const rows = await alertsOf(ch.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].event_id, event);
      assert.equal(rows[0].kind, 'event');
    });

    test("channel min level, rule list and the rule's own min level are respected", async () => {
      // Group channels (in-app is personal: one message per person, whichever in-app channel carries it).
      const group = { kind: 'webhook' as const, config: { url: 'http://127.0.0.1:9/in', secret: 'hook-secret-2' } };
      const high = await addChannel(w, { name: '高等级', ...group, min_level: 'orange' });
      const onlyDemolition = await addChannel(w, { name: '拆迁专线', ...group, rule_names: ['拆迁补偿'] });
      await run(await post(null), result('yellow', ['小区漏水']));
      assert.equal((await alertsOf(high.id)).length, 0);
      assert.equal((await alertsOf(onlyDemolition.id)).length, 0);
      await run(await post(null), result('yellow', ['拆迁补偿']));
      assert.equal((await alertsOf(onlyDemolition.id)).length, 0, 'the rule alerts from orange only');
      await run(await post(null), result('orange', ['拆迁补偿']));
      assert.equal((await alertsOf(onlyDemolition.id)).length, 1);
      assert.equal((await alertsOf(high.id)).length, 1);
    });

    test('after the analysis commits, the alert goes out at once (no waiting for the periodic round)', async () => {
      const rx = await webhookReceiver('hook-secret-1');
      try {
        await addChannel(w, { name: '接收端', kind: 'webhook', config: { url: `${rx.url}/in`, secret: 'hook-secret-1' } });
        listenForWakes(w.ctx);
        const p = await post(null, '电梯困人');
        await run(p, result('orange', ['小区漏水']));
        const end = Date.now() + 5000;
        while (rx.received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        assert.equal(rx.received.length, 1);
        assert.equal(rx.received[0].title, '电梯困人');
        assert.ok(rx.received[0].links.some((l: { url: string }) => l.url === `https://yq.example.gov.cn/posts/${p.id}`));
      } finally {
        await rx.close();
      }
    });

    test("the message links to the post and, when the ledger opened one, to its case", async () => {
      await addChannel(w, { name: '全部', kind: 'inapp' });
      const p = await post(null, '桥梁裂缝');
      const caseId = (
        await loose()
          .insertInto('cases')
          .values({ number: '2026-0001', year: 2026, seq: 1, title: '桥梁裂缝', state: 'triage', level: 'orange', opened_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as number;
      await loose().insertInto('case_posts').values({ case_id: caseId, post_id: p.id }).execute();
      await run(p, result('orange', ['小区漏水']));
      const alert = await w.db.kysely.selectFrom('alerts').selectAll().where('post_id', '=', p.id).executeTakeFirstOrThrow();
      const m = await buildMessage(w.db.kysely, alert, { base: 'https://yq.example.gov.cn', secret: 's' });
      const urls = m.links.map((l) => l.url);
      assert.ok(urls.includes(`https://yq.example.gov.cn/posts/${p.id}`));
      assert.ok(urls.includes(`https://yq.example.gov.cn/cases/${caseId}`));
      assert.ok(urls.some((u) => u.includes(`/api/alerts/${alert.id}/ack-link?`)));
    });

    test('a post matching no rule alerts when it reaches the configured level', async () => {
      const ch = await addChannel(w, { name: '全部', kind: 'inapp' });
      await saveAlertSettings(w.db.kysely, { unmatchedMinLevel: 'orange' });
      await run(await post(null), result('yellow', []));
      assert.equal((await alertsOf(ch.id)).length, 0);
      await run(await post(null), result('red', []));
      assert.equal((await alertsOf(ch.id)).length, 1);
      await saveAlertSettings(w.db.kysely, { unmatchedMinLevel: 'off' });
      await run(await post(null), result('red', []));
      assert.equal((await alertsOf(ch.id)).length, 1);
    });
  });
}
