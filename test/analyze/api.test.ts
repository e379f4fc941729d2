import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { insertPost, insertSource, NOISE_MATTER, testContext } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`analysis API: watch rules, periods, events, re-analysis [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let deps: Record<string, number>;
    const as: Record<string, ApiClient> = {};
    before(async () => {
      ({ db, drop } = await tdb.create());
      deps = await seedOrg(db);
      server = await startTestServer(db);
      for (const u of ['office1', 'resp_js', 'resp_zf', 'head_js', 'leader1', 'admin1']) {
        as[u] = new ApiClient(server.url);
        assert.equal((await as[u].login(u, PASSWORD)).status, 200);
      }
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('the office creates a rule, audited; a responder may not; nobody unauthenticated may read', async () => {
      const res = await as.office1.post('/api/rules', { name: '夜间施工', expression: '(施工 OR 打桩) NEAR/10 噪音', department: 'jsk', min_level: 'yellow' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.department, 'jsk');
      assert.deepEqual(res.body.terms.map((t: { value: string }) => t.value), ['施工', '打桩', '噪音']);
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'watch_rule.create').executeTakeFirstOrThrow();
      assert.equal(audit.entity_id, String(res.body.id));
      assert.equal((await as.resp_js.post('/api/rules', { name: 'x', expression: '物业' })).status, 403);
      assert.equal((await as.leader1.post('/api/rules', { name: 'x', expression: '物业' })).status, 403);
      assert.equal((await new ApiClient(server.url).get('/api/rules')).status, 401);
    });

    test('a bad expression is rejected with its character position in Chinese', async () => {
      const res = await as.office1.post('/api/rules', { name: '坏规则', expression: '(物业 OR 业委会 维修基金' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.message, '第 16 个字符处缺少右括号（与第 1 个字符处的左括号配对）');
      assert.deepEqual(res.body.error.details, { code: 'missingRightParen', position: 16 });
      const parse = await as.office1.post('/api/rules/parse', { expression: '物业 AND' });
      assert.equal(parse.status, 200);
      assert.deepEqual(parse.body.error.position, 4);
      assert.match(parse.body.error.message, /“AND”缺少右侧的条件/);
      const ok = await as.office1.post('/api/rules/parse', { expression: '物业 -广告' });
      assert.deepEqual(ok.body, { ok: true, terms: [{ value: '物业', negated: false }, { value: '广告', negated: true }] });
    });

    test('edits: duplicate names conflict, unknown departments and sources are named, delete works', async () => {
      const a = await as.office1.post('/api/rules', { name: '物业收费', expression: '物业 收费', department: 'zfk' });
      assert.equal(a.status, 201);
      assert.equal((await as.office1.post('/api/rules', { name: '物业收费', expression: '物业' })).status, 409);
      const dep = await as.office1.patch(`/api/rules/${a.body.id}`, { department: 'nowhere' });
      assert.equal(dep.status, 400);
      assert.equal(dep.body.error.message, '部门“nowhere”不存在');
      const src = await as.office1.patch(`/api/rules/${a.body.id}`, { sources: ['不存在的论坛'] });
      assert.equal(src.status, 400);
      assert.match(src.body.error.message, /信息源“不存在的论坛”不存在/);
      const upd = await as.office1.patch(`/api/rules/${a.body.id}`, { enabled: false, min_level: 'orange' });
      assert.equal(upd.status, 200);
      assert.equal(upd.body.enabled, false);
      assert.equal(upd.body.department, 'zfk');
      const unassigned = await as.office1.post('/api/rules', { name: '全局', expression: '投诉' });
      assert.equal(unassigned.status, 201);
      const tmp = await as.office1.post('/api/rules', { name: '临时', expression: '临时' });
      assert.equal((await as.office1.request('DELETE', `/api/rules/${tmp.body.id}`)).status, 204);
      assert.equal((await as.office1.get(`/api/rules/${tmp.body.id}`)).status, 404);
    });

    test('a responder reads only their department’s rules and the shared ones', async () => {
      const names = (await as.resp_zf.get('/api/rules')).body.map((r: { name: string }) => r.name).sort();
      assert.deepEqual(names, ['全局', '物业收费']);
      const all = (await as.leader1.get('/api/rules')).body.length;
      assert.equal(all, 3);
      const jsRule = (await as.office1.get('/api/rules')).body.find((r: { name: string }) => r.name === '夜间施工');
      assert.equal((await as.resp_zf.get(`/api/rules/${jsRule.id}`)).status, 403);
      assert.equal((await as.resp_js.get(`/api/rules/${jsRule.id}`)).status, 200);
    });

    test('testing an expression against recent posts returns the matches with highlights', async () => {
      const src = await insertSource(db, '县论坛');
      await insertPost(db, src, { title: '沿港西路夜间施工', text: NOISE_MATTER[0] });
      await insertPost(db, src, { text: '城北公园的樱花开了。' });
      const res = await as.office1.post('/api/rules/test', { expression: '打桩 NEAR/5 噪音', days: 1 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.matched, 1);
      assert.ok(res.body.scanned >= 2);
      const m = res.body.matches[0];
      assert.equal(m.post.source, '县论坛');
      const text = m.highlights.text;
      assert.deepEqual(text.ranges.map(([s, e]: [number, number]) => text.text.slice(s, e)), ['打桩', '噪音']);
      assert.equal((await as.resp_js.post('/api/rules/test', { expression: '打桩' })).status, 403);
      const bad = await as.office1.post('/api/rules/test', { expression: '"打桩' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /第 1 个字符处的引号没有闭合/);
    });

    test('watch periods: create, update, list, delete, with dates checked', async () => {
      const res = await as.office1.post('/api/watch-periods', { name: '幸福花园开盘', keywords: ['幸福花园'], starts: '2026-05-01', ends: '2026-05-03', boost: 2 });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.starts_at, '2026-04-30T16:00:00.000Z');
      const bad = await as.office1.post('/api/watch-periods', { name: '坏', starts: '2026-05-03', ends: '2026-05-01' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.message, '重点时段的结束时间不能早于开始时间');
      const badDate = await as.office1.post('/api/watch-periods', { name: '坏2', starts: '五一', ends: '2026-05-01' });
      assert.equal(badDate.status, 400);
      assert.match(badDate.body.error.message, /日期“五一”无效/);
      assert.equal((await as.resp_js.post('/api/watch-periods', { name: 'x', starts: '2026-05-01', ends: '2026-05-02' })).status, 403);
      const upd = await as.office1.patch(`/api/watch-periods/${res.body.id}`, { ends: '2026-05-05' });
      assert.equal(upd.body.ends_at, '2026-05-05T15:59:59.999Z');
      assert.deepEqual(upd.body.keywords, ['幸福花园']);
      assert.equal((await as.resp_js.get('/api/watch-periods')).body.length, 1);
      assert.equal((await as.office1.request('DELETE', `/api/watch-periods/${res.body.id}`)).status, 204);
      assert.equal((await db.kysely.selectFrom('audit_log').select('id').where('entity', '=', 'watch_period').execute()).length, 3);
    });

    test('events: listed and shown with posts and timeline, scoped by department', async () => {
      const src = await insertSource(db, '留言板');
      const ids: number[] = [];
      for (const [i, text] of NOISE_MATTER.slice(0, 3).entries()) ids.push(await insertPost(db, src, { text, published_at: `2026-11-20T0${i}:30:00.000Z` }));
      await analyzeStoredPosts(testContext(db), ids);
      const post = await db.kysely.selectFrom('posts').select(['event_id', 'department_id']).where('id', '=', ids[0]).executeTakeFirstOrThrow();
      assert.equal(post.department_id, deps.jsk, 'the 夜间施工 rule routes to 建设科');
      const list = await as.office1.get('/api/events?limit=10');
      assert.equal(list.status, 200);
      const ev = list.body.items.find((e: { id: number }) => e.id === post.event_id);
      assert.ok(ev);
      assert.equal(ev.post_count, 3);
      assert.equal(ev.department, 'jsk');
      assert.equal('signature' in ev, false);
      const detail = await as.resp_js.get(`/api/events/${post.event_id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.posts.length, 3);
      // 情绪分布 and 诉求类型 of the event's posts (issue 17)
      const emotions = detail.body.posts.map((p: { emotion_label: string }) => p.emotion_label);
      assert.equal(detail.body.emotions.reduce((n: number, e: { count: number }) => n + e.count, 0), emotions.filter(Boolean).length);
      assert.ok(detail.body.emotions.every((e: { label: string; count: number }) => emotions.filter((x: string) => x === e.label).length === e.count));
      assert.ok(detail.body.appeals.length > 0 && detail.body.appeals[0].count >= detail.body.appeals.at(-1).count);
      assert.deepEqual(detail.body.timeline, [
        { hour: '2026-11-20T00:00:00.000Z', count: 1 },
        { hour: '2026-11-20T01:00:00.000Z', count: 1 },
        { hour: '2026-11-20T02:00:00.000Z', count: 1 },
      ]);
      assert.equal((await as.resp_zf.get(`/api/events/${post.event_id}`)).status, 403);
      assert.ok(!(await as.resp_zf.get('/api/events')).body.items.some((e: { id: number }) => e.id === post.event_id));
      assert.equal((await as.office1.get('/api/events/999999')).status, 404);
      const filtered = await as.office1.get('/api/events?level=red');
      assert.ok(filtered.body.items.every((e: { risk_level: string }) => e.risk_level === 'red'));
    });

    test('re-analysing a post: in scope, audited, with reasons; others are refused', async () => {
      const post = await db.kysely.selectFrom('posts').select(['id', 'event_id']).where('department_id', '=', deps.jsk).executeTakeFirstOrThrow();
      const res = await as.resp_js.post(`/api/posts/${post.id}/reanalyze`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.event_id, post.event_id);
      assert.ok(res.body.result.risk.reasons.length > 0);
      assert.equal(res.body.result.rules[0].rule, '夜间施工');
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'post.reanalyze').executeTakeFirstOrThrow();
      assert.equal(audit.entity_id, String(post.id));
      assert.equal((await as.resp_zf.post(`/api/posts/${post.id}/reanalyze`)).status, 403);
      assert.equal((await as.leader1.post(`/api/posts/${post.id}/reanalyze`)).status, 403);
      const read = await as.leader1.get(`/api/posts/${post.id}/analysis`);
      assert.equal(read.status, 200);
      assert.equal(read.body.result.department, 'jsk');
      assert.equal((await as.resp_zf.get(`/api/posts/${post.id}/analysis`)).status, 403);
    });

    test('sensitive terms: defaults until the office sets its own list', async () => {
      const def = await as.resp_js.get('/api/analysis/sensitive-terms');
      assert.equal(def.body.isDefault, true);
      assert.ok(def.body.terms.includes('强拆'));
      assert.equal((await as.resp_js.request('PUT', '/api/analysis/sensitive-terms', { terms: ['烂尾'] })).status, 403);
      const set = await as.office1.request('PUT', '/api/analysis/sensitive-terms', { terms: ['烂尾', '烂尾', '跑路'] });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, { terms: ['烂尾', '跑路'], isDefault: false });
      assert.deepEqual((await as.leader1.get('/api/analysis/sensitive-terms')).body.terms, ['烂尾', '跑路']);
      const bad = await as.office1.request('PUT', '/api/analysis/sensitive-terms', { terms: [''] });
      assert.equal(bad.status, 400);
    });
  });
}
