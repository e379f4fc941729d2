import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';

for (const tdb of testDatabases) {
  describe(`sources, posts and ingest API [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let site: FakeSite;
    let depts: Record<string, number>;
    const office = () => new ApiClient(server.url);
    let o: ApiClient;
    before(async () => {
      ({ db, drop } = await tdb.create());
      depts = await seedOrg(db);
      server = await startTestServer(db);
      site = await startFakeSite();
      o = office();
      await o.login('office1', PASSWORD);
    });
    after(async () => {
      await site.close();
      await server.close();
      await drop();
    });

    test('the office creates, tests and collects a feed source; a responder may not manage sources', async () => {
      const bad = await o.post('/api/sources', { name: '坏配置', kind: 'html', url: `${site.url}/board/list`, config: { list: { item: 'li' } } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^信息源配置有误：没有选用预设模板时，必须填写列表项、标题和链接三个选择器$/);
      assert.deepEqual(bad.body.error.details.fields.map((f: { path: string[] }) => f.path.join('.')), ['config.list']);
      assert.match(bad.body.error.detail, /config\.list/, 'the English detail stays for logs');
      const noUrl = await o.post('/api/sources', { name: '无地址', kind: 'feed' });
      assert.equal(noUrl.status, 400);
      assert.match(noUrl.body.error.message, /需要填写网址/);

      const created = await o.post('/api/sources', { name: '县融媒体', kind: 'feed', url: `${site.url}/rss2-gbk.xml`, department_id: depts.jsk, interval_seconds: 600 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.has_push_token, false);
      assert.equal((await o.post('/api/sources', { name: '县融媒体', kind: 'feed', url: `${site.url}/rss092.xml` })).status, 409);

      const preview = await o.post('/api/sources/test', { url: `${site.url}/undeclared-gbk.xml` });
      assert.equal(preview.status, 200);
      assert.equal(preview.body.charset, 'gb18030');
      assert.equal(preview.body.items[0].title, '拆迁补偿标准不透明，村民要求公开');
      assert.equal((await db.kysely.selectFrom('posts').select('id').execute()).length, 0, 'test stores nothing');
      const failedPreview = await o.post('/api/sources/test', { url: `${site.url}/malformed.xml` });
      assert.equal(failedPreview.status, 400);
      assert.match(failedPreview.body.error.message, /采集失败/);

      const run = await o.post(`/api/sources/${created.body.id}/collect`);
      assert.equal(run.status, 200);
      assert.equal(run.body.created, 1);

      const resp = new ApiClient(server.url);
      await resp.login('resp_js', PASSWORD);
      assert.equal((await resp.post('/api/sources', { name: 'x', kind: 'manual' })).status, 403);
      assert.equal((await resp.get('/api/sources')).status, 200);

      const health = await o.get('/api/sources/health');
      assert.equal(health.body.find((h: { name: string }) => h.name === '县融媒体').status, 'ok');
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'source.create').execute();
      assert.ok(audit.some((a) => JSON.parse(a.after!).name === '县融媒体'));
    });

    test('posts: search, detail with replies, department scope', async () => {
      const list = await o.get(`/api/posts?q=${encodeURIComponent('积水')}`);
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 1);
      const id = list.body[0].id;
      assert.equal((await o.get(`/api/posts?q=${encodeURIComponent('不存在的词')}`)).body.length, 0);
      assert.equal((await o.get('/api/posts?since=not-a-date')).status, 400);
      const detail = await o.get(`/api/posts/${id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.source, '县融媒体');
      assert.ok(Array.isArray(detail.body.replies));
      assert.ok(detail.body.metrics_history.length >= 1);
      assert.equal(detail.body.simhash, undefined);

      // The post belongs to 建设科: the 住房科 responder does not see it, the 建设科 one does.
      await db.kysely.updateTable('posts').set({ department_id: depts.jsk }).where('id', '=', id).execute();
      const zf = new ApiClient(server.url);
      await zf.login('resp_zf', PASSWORD);
      assert.equal((await zf.get('/api/posts')).body.some((p: { id: number }) => p.id === id), false);
      assert.equal((await zf.get(`/api/posts/${id}`)).status, 403);
      const js = new ApiClient(server.url);
      await js.login('resp_js', PASSWORD);
      assert.equal((await js.get('/api/posts')).body.some((p: { id: number }) => p.id === id), true);
    });

    test('manual entry: stored once per URL; a bad date is refused in Chinese', async () => {
      const body = { title: '来电：幸福路井盖缺失', text: '市民来电反映井盖缺失，存在安全隐患。', url: 'http://phone.example/call/1', published_at: '昨天 14:05' };
      const first = await o.post('/api/posts', body);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await o.post('/api/posts', body);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      const bad = await o.post('/api/posts', { ...body, url: 'http://phone.example/call/2', published_at: '下个月' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /时间“下个月”无法识别/);
      const leader = new ApiClient(server.url);
      await leader.login('leader1', PASSWORD);
      assert.equal((await leader.post('/api/posts', body)).status, 403);
    });

    test('push ingest: per-source token, batch, bad items reported by index', async () => {
      const src = await o.post('/api/sources', { name: '12345平台推送', kind: 'push' });
      assert.equal(src.status, 201);
      const { body: tok } = await o.post(`/api/sources/${src.body.id}/push-token`);
      assert.match(tok.token, /^msp_/);
      const anon = new ApiClient(server.url);
      const batch = { posts: [{ id: 'W1', title: '工单：噪音扰民', text: '夜间施工', published_at: '2024-11-05 23:00' }, { id: 'W2', text: '无标题的工单内容' }, { id: 'W3', title: '坏时间', published_at: '某天' }] };
      const ok = await anon.request('POST', '/api/ingest', batch, { headers: { 'x-minsheng-token': tok.token } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.created, 2);
      assert.deepEqual(ok.body.errors, [{ index: 2, message: 'published_at: cannot read "某天"' }]);
      const again = await anon.request('POST', '/api/ingest', batch, { headers: { authorization: `Bearer ${tok.token}` } });
      assert.equal(again.body.created, 0);
      assert.equal((await anon.request('POST', '/api/ingest', batch, { headers: { 'x-minsheng-token': 'msp_wrong' } })).status, 401);
      assert.equal((await anon.request('POST', '/api/ingest', batch)).status, 401);
      assert.equal((await anon.request('POST', '/api/ingest', { posts: [] }, { headers: { 'x-minsheng-token': tok.token } })).status, 400);
      const listed = await o.get(`/api/sources/${src.body.id}`);
      assert.equal(listed.body.has_push_token, true);
      assert.equal(JSON.stringify(listed.body).includes(tok.token), false);
    });

    test('import upload (multipart): good rows stored, bad rows reported with their row number', async () => {
      const src = await o.post('/api/sources', { name: '12345导出', kind: 'import' });
      const csv = '留言编号,留言主题,留言时间,留言详情\nA1,路面塌陷,2024/11/1 9:00:00,幸福路路面塌陷\nA2,日期坏了,2024/13/45 9:00:00,内容\nA3,井盖,2024/11/2 10:00:00,井盖缺失\n';
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), '导出.csv');
      const res = await fetch(`${server.url}/api/sources/${src.body.id}/import`, { method: 'POST', body: form, headers: { cookie: o.cookie, 'x-csrf-token': o.csrf } });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.created, 2);
      assert.deepEqual(body.errors.map((e: { row: number }) => e.row), [3]);
      assert.match(body.errors[0].message, /留言时间: cannot read the date "2024\/13\/45 9:00:00"/);
      const notXlsx = new FormData();
      notXlsx.append('file', new Blob(['hello']), 'x.xlsx');
      const bad = await fetch(`${server.url}/api/sources/${src.body.id}/import`, { method: 'POST', body: notXlsx, headers: { cookie: o.cookie, 'x-csrf-token': o.csrf } });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error.message, /无法读取/);
    });

    test('the OpenAPI document describes the collection API', async () => {
      const doc = await o.get('/api/openapi.json');
      for (const p of ['/api/sources', '/api/sources/test', '/api/sources/health', '/api/posts', '/api/posts/{id}', '/api/ingest', '/api/sources/{id}/import']) assert.ok(doc.body.paths[p], p);
    });
  });
}
