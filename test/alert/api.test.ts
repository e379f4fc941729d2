import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deliverDue } from '../../src/alert/delivery.ts';
import { ackLink } from '../../src/alert/links.ts';
import { enqueueNotice } from '../../src/alert/outbox.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { webhookReceiver } from './standins.ts';

for (const tdb of testDatabases) {
  describe(`alerts and channels API [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let rx: Awaited<ReturnType<typeof webhookReceiver>>;
    let depts: Record<string, number>;
    const office = () => new ApiClient(server.url);
    const as = async (user: string) => {
      const c = office();
      assert.equal((await c.login(user, PASSWORD)).status, 200);
      return c;
    };
    const enqueue = (n: { key: string; departmentId: number | null; level?: 'blue' | 'red' | 'orange' }) =>
      db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: 'post', level: n.level ?? 'orange', title: `标题 ${n.key}`, body: '正文', key: n.key, departmentId: n.departmentId }));

    before(async () => {
      ({ db, drop } = await tdb.create());
      depts = await seedOrg(db);
      server = await startTestServer(db, { MINSHENG_PUBLIC_URL: 'https://yq.example.gov.cn', MINSHENG_SECRET: 'api-test-secret' });
      rx = await webhookReceiver('api-rx-secret');
    });
    after(async () => {
      await server.close();
      await rx.close();
      await drop();
    });

    test('the office creates a channel; secrets never come back in clear; a masked secret keeps the stored one', async () => {
      const c = await as('office1');
      const res = await c.post('/api/channels', { name: '接收端', kind: 'webhook', config: { url: `${rx.url}/in`, secret: 'api-rx-secret' }, min_level: 'yellow' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.config.secret, '********');
      const list = await c.get('/api/channels');
      assert.ok(!JSON.stringify(list.body).includes('api-rx-secret'));
      const patched = await c.patch(`/api/channels/${res.body.id}`, { config: { url: `${rx.url}/in`, secret: '********' }, min_level: 'blue' });
      assert.equal(patched.status, 200);
      const tested = await c.post(`/api/channels/${res.body.id}/test`);
      assert.equal(tested.status, 200);
      assert.equal(tested.body.ok, true, JSON.stringify(tested.body));
      assert.match(tested.body.answer, /accepted/);
      assert.equal(rx.received.at(-1).kind, 'test');
    });

    test('bad channel input gets a specific zh-CN error; responders may not manage channels', async () => {
      const c = await as('office1');
      const kind = await c.post('/api/channels', { name: 'x', kind: 'pager', config: {} });
      assert.equal(kind.status, 400);
      assert.match(kind.body.error.message, /不支持的渠道类型“pager”/);
      const cfg = await c.post('/api/channels', { name: 'y', kind: 'dingtalk', config: { secret: 'SEC' } });
      assert.equal(cfg.status, 400);
      assert.equal(cfg.body.error.message, '渠道配置有误：“机器人 access_token”必须填写');
      assert.deepEqual(cfg.body.error.details, { fields: [{ path: ['config', 'accessToken'], message: '“机器人 access_token”必须填写' }] });
      const dup = await c.post('/api/channels', { name: '接收端', kind: 'inapp' });
      assert.equal(dup.status, 409);
      assert.match(dup.body.error.message, /已存在/);
      const quiet = await c.post('/api/channels', { name: 'z', kind: 'inapp', quiet_hours: { start: '25:00', end: '07:00' } });
      assert.equal(quiet.status, 400);
      const r = await as('resp_js');
      assert.equal((await r.get('/api/channels')).status, 403);
      assert.equal((await r.post('/api/channels', { name: 'mine', kind: 'inapp' })).status, 403);
    });

    test('a channel switched off by failures shows its reason and can be re-enabled', async () => {
      const c = await as('office1');
      const ch = (await c.get('/api/channels')).body.find((x: any) => x.name === '接收端');
      await db.kysely.updateTable('channels').set({ enabled: 0, failure_streak: 10, disabled_reason: 'auth: errcode 93000', disabled_at: new Date().toISOString() }).where('id', '=', ch.id).execute();
      const shown = await c.get(`/api/channels/${ch.id}`);
      assert.equal(shown.body.enabled, false);
      assert.equal(shown.body.disabled_reason, 'auth: errcode 93000');
      const re = await c.post(`/api/channels/${ch.id}/enable`);
      assert.equal(re.body.enabled, true);
      assert.equal(re.body.failure_streak, 0);
      assert.equal(re.body.disabled_reason, null);
    });

    test('alerts are scoped by department; acknowledgement and attempts through the API', async () => {
      await enqueue({ key: 'post:1|rule:a', departmentId: depts.jsk });
      await enqueue({ key: 'post:2|rule:a', departmentId: depts.zfk });
      await deliverDue(server.ctx);
      const r = await as('resp_js');
      const mine = await r.get('/api/alerts');
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.map((a: any) => a.department_id), [depts.jsk]);
      const other = (await (await as('office1')).get('/api/alerts?status=sent')).body.find((a: any) => a.department_id === depts.zfk);
      assert.equal((await r.get(`/api/alerts/${other.id}`)).status, 403);
      assert.equal((await r.post(`/api/alerts/${other.id}/ack`)).status, 403);
      const ack = await r.post(`/api/alerts/${mine.body[0].id}/ack`);
      assert.equal(ack.status, 200);
      assert.ok(ack.body.acknowledged_at);
      const attempts = await r.get(`/api/alerts/${mine.body[0].id}/attempts`);
      assert.equal(attempts.body.length, 1);
      assert.equal(attempts.body[0].ok, 1);
      assert.equal((await r.get('/api/alerts?level=purple')).status, 400);
      const filtered = await (await as('office1')).get('/api/alerts?acknowledged=false');
      assert.ok(filtered.body.every((a: any) => a.acknowledged_at === null));
    });

    test('the signed link in a message acknowledges without login; a tampered or expired link is refused', async () => {
      await enqueue({ key: 'post:3|rule:a', departmentId: depts.jsk });
      const before = rx.received.length;
      await deliverDue(server.ctx);
      const msg = rx.received.slice(before).find((m) => m.title === '标题 post:3|rule:a');
      const link = msg.links.find((l: any) => l.label === '确认已阅').url as string;
      assert.ok(link.startsWith('https://yq.example.gov.cn/api/alerts/'));
      const local = link.replace('https://yq.example.gov.cn', server.url);
      const page = await fetch(local);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post"/);
      const bad = await fetch(local.replace(/sig=[^&]+/, 'sig=AAAA'), { method: 'POST' });
      assert.equal(bad.status, 403);
      assert.match(await bad.text(), /确认链接无效/);
      const forged = await fetch(local.replace(/exp=\d+/, 'exp=9999999999'), { method: 'POST' });
      assert.equal(forged.status, 403, 'a changed expiry breaks the signature');
      const old = ackLink(server.url, 'api-test-secret', Number(/alerts\/(\d+)/.exec(link)![1]), Date.now() - 8 * 86400_000);
      const expired = await fetch(old, { method: 'POST' });
      assert.equal(expired.status, 410);
      assert.match(await expired.text(), /已过期/);
      const ok = await fetch(local, { method: 'POST' });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /已确认预警/);
      const row = await db.kysely.selectFrom('alerts').selectAll().where('matter_key', '=', 'post:3|rule:a').executeTakeFirstOrThrow();
      assert.ok(row.acknowledged_at);
      assert.match(msg.links.find((l: any) => l.label === '查看信息')?.url ?? 'none', /none|\/posts\//);
    });

    test('in-app: live stream to the console, unread list, mark read', async () => {
      const c = await as('office1');
      assert.equal((await c.post('/api/channels', { name: '控制台', kind: 'inapp' })).status, 201);
      const r = await as('resp_js');
      const controller = new AbortController();
      const stream = await fetch(`${server.url}/api/alerts/stream`, { headers: { cookie: r.cookie }, signal: controller.signal });
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
      const reader = stream.body!.getReader();
      await enqueue({ key: 'post:4|rule:a', departmentId: depts.zfk, level: 'red' });
      await enqueue({ key: 'post:5|rule:a', departmentId: depts.jsk, level: 'red' });
      await deliverDue(server.ctx);
      let text = '';
      while (!text.includes('post:5')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      assert.match(text, /event: alert/);
      assert.ok(text.includes('标题 post:5|rule:a'));
      assert.ok(!text.includes('标题 post:4|rule:a'), "another department's alert is not streamed to a responder");
      const unread = await r.get('/api/alerts/unread');
      assert.deepEqual(unread.body.map((a: any) => a.title), ['标题 post:5|rule:a']);
      assert.equal((await r.post('/api/alerts/read', {})).body.marked, 1);
      assert.equal((await r.get('/api/alerts/unread')).body.length, 0);
    });

    test('attachments download for those allowed to read them', async () => {
      const row = await db.kysely
        .insertInto('attachments')
        .values({ owner_type: 'report', owner_id: 1, filename: '舆情日报.docx', mime: 'application/octet-stream', size: 4, data: Buffer.from('DOCX'), created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const c = await as('office1');
      const res = await fetch(`${server.url}/api/attachments/${row.id}`, { headers: { cookie: c.cookie } });
      assert.equal(res.status, 200);
      assert.equal(Buffer.from(await res.arrayBuffer()).toString(), 'DOCX');
      assert.match(res.headers.get('content-disposition') ?? '', /filename\*=UTF-8''/);
      assert.equal((await fetch(`${server.url}/api/attachments/${row.id}`)).status, 401);
      const r = await as('resp_js');
      assert.equal((await fetch(`${server.url}/api/attachments/${row.id}`, { headers: { cookie: r.cookie } })).status, 403);
      assert.equal((await fetch(`${server.url}/api/attachments/99999`, { headers: { cookie: c.cookie } })).status, 404);
    });

    test('the routes are in the OpenAPI document', async () => {
      const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
      for (const p of ['/api/channels', '/api/channels/{id}/test', '/api/alerts', '/api/alerts/{id}/ack', '/api/alerts/stream', '/api/alert-settings']) assert.ok(doc.paths[p], p);
    });

    test('a channel with alerts cannot be deleted; alert settings are validated', async () => {
      const c = await as('office1');
      const ch = (await c.get('/api/channels')).body.find((x: any) => x.name === '接收端');
      const del = await c.request('DELETE', `/api/channels/${ch.id}`);
      assert.equal(del.status, 409);
      assert.match(del.body.error.message, /不能删除/);
      const s = await c.request('PUT', '/api/alert-settings', { escalateAfterMinutes: 45 });
      assert.equal(s.status, 200);
      assert.equal(s.body.escalateAfterMinutes, 45);
      assert.equal((await c.request('PUT', '/api/alert-settings', { escalateAfterMinutes: -1 })).status, 400);
      assert.equal((await c.request('PUT', '/api/alert-settings', { nonsense: 1 })).status, 400);
    });
  });
}
