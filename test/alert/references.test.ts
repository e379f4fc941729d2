import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Migrator, type Kysely, type Migration, type Selectable } from 'kysely';
import { alertHook } from '../../src/alert/hook.ts';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import type { PostTable } from '../../src/db/schema.ts';
import { createLogger } from '../../src/log.ts';
import { freshDatabaseUrl, testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Issue 16: channels, watch-rule scopes and alert keys refer to rules and sources by id, so
 * renaming a rule or a source breaks no filter or scope and alerts nobody twice.
 */
for (const tdb of testDatabases) {
  describe(`references by id [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let api: ApiClient;

    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db);
      api = new ApiClient(server.url);
      assert.equal((await api.login('admin1', PASSWORD)).status, 200);
    });
    after(async () => {
      await server.close();
      await drop();
    });

    const ok = <T>(res: { status: number; body: T }, status = 200): T => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      return res.body;
    };
    const push = async (token: string, id: string, title: string, text: string) => {
      const res = await fetch(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-minsheng-token': token },
        body: JSON.stringify({ posts: [{ id, title, text, published_at: new Date().toISOString() }] }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const post = await db.kysely.selectFrom('posts').select('id').where('external_id', '=', id).executeTakeFirstOrThrow();
      return post.id;
    };
    const alertsOn = async (channelId: number) => db.kysely.selectFrom('alerts').select(['post_id', 'rule_id', 'matter_key']).where('channel_id', '=', channelId).orderBy('id').execute();

    test('renaming a rule and a source through the API and applying the workspace keeps filters and scopes, and alerts nobody again', async () => {
      const forum = ok(await api.post('/api/sources', { name: '县论坛', kind: 'push' }), 201);
      const board = ok(await api.post('/api/sources', { name: '留言板', kind: 'push' }), 201);
      const forumToken = ok(await api.post(`/api/sources/${forum.id}/push-token`)).token;
      const boardToken = ok(await api.post(`/api/sources/${board.id}/push-token`)).token;
      const leak = ok(await api.post('/api/rules', { name: '小区漏水', expression: '漏水', sources: ['县论坛'] }), 201);
      ok(await api.post('/api/rules', { name: '拆迁', expression: '拆迁' }), 201);
      const channel = ok(await api.post('/api/channels', { name: '漏水专线', kind: 'inapp', rule_names: ['小区漏水'] }), 201);

      const first = await push(forumToken, 'a1', '阳光花园地下车库漏水', '阳光花园小区地下车库漏水严重，业主多次反映，物业一直不管。');
      await push(forumToken, 'a2', '城东拆迁补偿', '城东片区拆迁补偿标准不公开，村民要求公示。');
      await push(boardToken, 'a3', '留言：教学楼漏水', '城南实验学校教学楼屋顶漏水，家长担心学生安全。');
      assert.deepEqual((await alertsOn(channel.id)).map((a) => a.post_id), [first], 'the channel carries only its rule, the rule only its source');

      // Rename both through the API.
      ok(await api.patch(`/api/rules/${leak.id}`, { name: '车库漏水' }));
      ok(await api.patch(`/api/sources/${forum.id}`, { name: '县论坛（新）' }));
      assert.deepEqual(ok(await api.get(`/api/channels/${channel.id}`)).rule_names, ['车库漏水']);
      assert.deepEqual(ok(await api.get(`/api/rules/${leak.id}`)).sources, ['县论坛（新）']);

      // The post already alerted does not alert again under the rule's new name.
      ok(await api.post(`/api/posts/${first}/reanalyze`));
      assert.equal((await alertsOn(channel.id)).length, 1);

      // The scope and the filter still apply to new posts.
      const second = await push(forumToken, 'b1', '幸福里雨后漏水', '幸福里三号楼顶层住户家中天花板漏水，墙面发霉，盼维修基金尽快启用。');
      await push(boardToken, 'b2', '留言：医院走廊漏水', '县人民医院门诊楼走廊漏水，地面湿滑，老人险些摔倒。');
      await push(forumToken, 'b3', '老街拆迁', '老街拆迁安置房迟迟不交付，住户在外租房。');
      assert.deepEqual((await alertsOn(channel.id)).map((a) => a.post_id), [first, second]);

      // The workspace speaks the new names; applying its export changes nothing.
      const yaml = (await api.get('/api/workspace')).body as string;
      assert.match(yaml, /- name: 漏水专线\n(\s+.*\n)*?\s+rules:\n\s+- 车库漏水\n/);
      assert.match(yaml, /- name: 车库漏水\n(\s+.*\n)*?\s+sources:\n\s+- 县论坛（新）\n/);
      assert.equal(ok(await api.post('/api/workspace/apply', { yaml })).changed, 0);
      // A file that still names the rule or the source by its old name is refused, at the item.
      const stale = ok(await api.post('/api/workspace/apply', { yaml: yaml.replace('- 车库漏水', '- 小区漏水').replace('- 县论坛（新）', '- 县论坛') }), 400) as unknown as { error: { details: { where: string }[] } };
      assert.deepEqual(stale.error.details.map((d) => d.where).sort(), ['channels[0].rules[0]', 'watch_rules[1].sources[0]']);

      // Applying a file that renames the channel's rule list to both rules, by name, stores ids.
      const both = yaml.replace(/(rules:\n(\s+))- 车库漏水\n/, '$1- 车库漏水\n$2- 拆迁\n');
      assert.equal(ok(await api.post('/api/workspace/apply', { yaml: both })).changed, 1);
      const rules = await db.kysely.selectFrom('channel_rules').select('rule_id').where('channel_id', '=', channel.id).orderBy('rule_id').execute();
      assert.equal(rules.length, 2);
      assert.ok(rules.some((r) => r.rule_id === leak.id));
      ok(await api.post(`/api/posts/${first}/reanalyze`));
      ok(await api.post(`/api/posts/${second}/reanalyze`));
      assert.equal((await alertsOn(channel.id)).filter((a) => a.rule_id === leak.id).length, 2, 'nothing alerted twice after the workspace apply');
    });

    test('a rule a channel uses and a source a rule is limited to cannot be deleted', async () => {
      const source = ok(await api.post('/api/sources', { name: '贴吧', kind: 'push' }), 201);
      const rule = ok(await api.post('/api/rules', { name: '噪音', expression: '噪音', sources: ['贴吧'] }), 201);
      ok(await api.post('/api/channels', { name: '噪音群', kind: 'inapp', rule_ids: [rule.id] }), 201);
      assert.equal((await api.request('DELETE', `/api/rules/${rule.id}`)).status, 409);
      assert.equal((await api.request('DELETE', `/api/sources/${source.id}`)).status, 409);
      assert.equal((await api.post('/api/channels', { name: '无此规则', kind: 'inapp', rule_names: ['不存在的规则'] })).status, 400);
    });
  });

  describe(`upgrading to references by id [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      const fresh = await freshDatabaseUrl(tdb.kind);
      db = await openDatabase(fresh.url);
      drop = async () => {
        await db.close().catch(() => undefined);
        await fresh.drop();
      };
    });
    afterEach(() => drop());

    test('014 turns names into ids, and a post alerted under its rule name before the upgrade is not alerted again', async () => {
      // The schema as it was before 014, with data written by the old code.
      const old: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) if (name !== '014_references') old[name] = { up: (k) => m.up(k, db.kind) };
      const { error } = await new Migrator({ db: db.kysely, provider: { getMigrations: async () => old }, allowUnorderedMigrations: true }).migrateToLatest();
      assert.ifError(error);
      const k = db.kysely as unknown as Kysely<any>;
      const now = new Date().toISOString();
      const id = async (table: string, values: Record<string, unknown>) => (await k.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()).id as number;
      const forum = await id('sources', { name: '县论坛', kind: 'feed', config: '{}', created_at: now, updated_at: now });
      await id('sources', { name: '留言板', kind: 'feed', config: '{}', created_at: now, updated_at: now });
      const leak = await id('watch_rules', { name: '小区漏水', expression: '漏水', scope_sources: '["县论坛","已删除的源"]', created_at: now, updated_at: now });
      const demolition = await id('watch_rules', { name: '拆迁', expression: '拆迁', created_at: now, updated_at: now });
      const channel = await id('channels', { name: '漏水专线', kind: 'inapp', config: '{}', rule_names: '["小区漏水","已删除的规则"]', created_at: now, updated_at: now });
      const all = await id('channels', { name: '全部', kind: 'inapp', config: '{}', created_at: now, updated_at: now });
      const post = await id('posts', { source_id: forum, dedup_key: 'k1', title: '车库漏水', text: '地下车库漏水', fetched_at: now, updated_at: now });
      for (const ch of [channel, all]) {
        await id('alerts', { idempotency_key: `post:${post}|rule:小区漏水|ch${ch}`, matter_key: `post:${post}|rule:小区漏水`, post_id: post, rule_id: leak, channel_id: ch, kind: 'post', level: 'orange', title: '车库漏水', body: '正文', status: 'sent', sent_at: now, created_at: now });
      }
      await id('alerts', { idempotency_key: `escalation:post:${post}|rule:小区漏水|ch${all}`, matter_key: `escalation:post:${post}|rule:小区漏水`, escalation_of: `post:${post}|rule:小区漏水`, post_id: post, rule_id: leak, channel_id: all, kind: 'escalation', level: 'orange', title: '升级', body: '正文', status: 'sent', sent_at: now, created_at: now });

      assert.deepEqual(await migrateToLatest(db), ['014_references']);

      assert.deepEqual(await db.kysely.selectFrom('channel_rules').select(['channel_id', 'rule_id']).execute(), [{ channel_id: channel, rule_id: leak }]);
      assert.deepEqual(await db.kysely.selectFrom('rule_sources').select(['rule_id', 'source_id']).execute(), [{ rule_id: leak, source_id: forum }]);
      const keys = await db.kysely.selectFrom('alerts').select(['idempotency_key', 'matter_key', 'escalation_of']).orderBy('id').execute();
      assert.deepEqual(keys, [
        { idempotency_key: `post:${post}|rule-id:${leak}|ch${channel}`, matter_key: `post:${post}|rule-id:${leak}`, escalation_of: null },
        { idempotency_key: `post:${post}|rule-id:${leak}|ch${all}`, matter_key: `post:${post}|rule-id:${leak}`, escalation_of: null },
        { idempotency_key: `escalation:post:${post}|rule-id:${leak}|ch${all}`, matter_key: `escalation:post:${post}|rule-id:${leak}`, escalation_of: `post:${post}|rule-id:${leak}` },
      ]);

      // The post is analysed again after the upgrade, once under the old name and once renamed.
      const ctx = createContext(db, loadConfig({ ...process.env }), createLogger('silent'));
      const row = (await db.kysely.selectFrom('posts').selectAll().where('id', '=', post).executeTakeFirstOrThrow()) as Selectable<PostTable>;
      const result = (rule: string, ruleId: number): AnalysisResult => ({
        sentiment: { label: 'negative', score: -0.8, reasons: [] },
        topic: null,
        topicReasons: [],
        department: null,
        departmentReasons: [],
        risk: { level: 'orange', score: 0.7, reasons: [] },
        keywords: [],
        rules: [{ rule, ruleId, hits: [] }],
        event: null,
        abuse: { flagged: false, reasons: [] },
      });
      await db.kysely.transaction().execute((trx) => alertHook(trx, ctx, row, result('小区漏水', leak)));
      await db.kysely.updateTable('watch_rules').set({ name: '车库漏水' }).where('id', '=', leak).execute();
      await db.kysely.transaction().execute((trx) => alertHook(trx, ctx, row, result('车库漏水', leak)));
      assert.equal((await db.kysely.selectFrom('alerts').select('id').execute()).length, 3, 'no alert again');
      // Another rule on the same post: one message per post per channel (issue 18), so the channel that carried the
      // post under its old per-rule key is not written to again, and the rule-limited channel does not take the rule.
      await db.kysely.transaction().execute((trx) => alertHook(trx, ctx, row, result('拆迁', demolition)));
      assert.equal((await db.kysely.selectFrom('alerts').select('id').execute()).length, 3, 'no alert for the second rule either');
    });
  });
}
