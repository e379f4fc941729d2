import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

for (const tdb of testDatabases) {
  describe(`accounts and roles [${tdb.kind}]`, () => {
    let server: TestServer;
    let drop: () => Promise<void>;
    let depts: Record<string, number>;

    before(async () => {
      const created = await tdb.create();
      drop = created.drop;
      depts = await seedOrg(created.db);
      server = await startTestServer(created.db);
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('a user logs in with the right password and sees who they are', async () => {
      const c = new ApiClient(server.url);
      const res = await c.login('office1', PASSWORD);
      assert.equal(res.status, 200);
      assert.equal(res.body.role, 'office');
      assert.match(res.headers.get('set-cookie') ?? '', /HttpOnly/i);
      assert.match(res.headers.get('set-cookie') ?? '', /SameSite=Lax/i);
      const me = await c.get('/api/auth/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.username, 'office1');
    });

    test('a wrong password is refused with a Chinese message', async () => {
      const c = new ApiClient(server.url);
      const res = await c.login('office1', 'wrong-password');
      assert.equal(res.status, 401);
      assert.equal(res.body.error.message, '用户名或密码错误');
      assert.equal((await c.get('/api/auth/me')).status, 401);
    });

    test('repeated failures throttle the account, even with the right password', async () => {
      const c = new ApiClient(server.url);
      for (let i = 0; i < 5; i++) assert.equal((await c.login('leader1', `bad-${i}`)).status, 401);
      const res = await c.login('leader1', PASSWORD);
      assert.equal(res.status, 429);
      assert.match(res.body.error.message, /登录失败次数过多/);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    });

    test('a state-changing request without the CSRF token is rejected and changes nothing', async () => {
      const c = new ApiClient(server.url);
      await c.login('admin1', PASSWORD);
      const before = (await c.get('/api/departments')).body.length;
      const res = await c.request('POST', '/api/departments', { code: 'x1', name: '测试科' }, { csrf: false });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'csrf');
      const wrong = await c.request('POST', '/api/departments', { code: 'x1', name: '测试科' }, { csrf: false, headers: { 'x-csrf-token': 'forged' } });
      assert.equal(wrong.status, 403);
      assert.equal((await c.get('/api/departments')).body.length, before);
      const ok = await c.post('/api/departments', { code: 'x1', name: '测试科' });
      assert.equal(ok.status, 201);
    });

    test('logout ends the session', async () => {
      const c = new ApiClient(server.url);
      await c.login('head_js', PASSWORD);
      const cookie = c.cookie;
      assert.equal((await c.post('/api/auth/logout')).status, 204);
      c.cookie = cookie;
      assert.equal((await c.get('/api/auth/me')).status, 401);
    });

    test('a password change needs the current password and ends other sessions', async () => {
      const a = new ApiClient(server.url);
      const b = new ApiClient(server.url);
      await a.login('resp_zf', PASSWORD);
      await b.login('resp_zf', PASSWORD);
      const bad = await a.post('/api/auth/password', { current: 'nope-nope', next: 'another-pass-1' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.message, '当前密码不正确');
      const short = await a.post('/api/auth/password', { current: PASSWORD, next: 'short' });
      assert.equal(short.status, 400);
      const ok = await a.post('/api/auth/password', { current: PASSWORD, next: 'another-pass-1' });
      assert.equal(ok.status, 200);
      assert.equal((await a.get('/api/auth/me')).status, 200);
      assert.equal((await b.get('/api/auth/me')).status, 401);
      const c = new ApiClient(server.url);
      assert.equal((await c.login('resp_zf', 'another-pass-1')).status, 200);
    });

    test('roles are enforced on the server: a responder cannot manage users', async () => {
      const c = new ApiClient(server.url);
      await c.login('resp_js', PASSWORD);
      assert.equal((await c.get('/api/users')).status, 403);
      const res = await c.post('/api/users', { username: 'evil', display_name: 'x', role: 'admin' });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.message, '您没有权限执行此操作');
      assert.equal((await c.get('/api/audit')).status, 403);
    });

    test("a responder is refused another department's record and sees only their own and shared ones", async () => {
      const office = new ApiClient(server.url);
      await office.login('office1', PASSWORD);
      const users = (await office.get('/api/users')).body as { id: number; username: string }[];
      const zfUser = users.find((u) => u.username === 'resp_zf')!;
      const jsUser = users.find((u) => u.username === 'resp_js')!;
      const officeUser = users.find((u) => u.username === 'office1')!;
      const zfAcc = await office.post('/api/responder-accounts', { site: 'bbs.example.cn', username: '住房小张', user_id: zfUser.id });
      assert.equal(zfAcc.status, 201);
      const jsAcc = await office.post('/api/responder-accounts', { site: 'bbs.example.cn', username: '建设小李', user_id: jsUser.id });
      const offAcc = await office.post('/api/responder-accounts', { site: 'bbs.example.cn', username: '县住建局', user_id: officeUser.id });

      const resp = new ApiClient(server.url);
      await resp.login('resp_js', PASSWORD);
      const denied = await resp.get(`/api/responder-accounts/${zfAcc.body.id}`);
      assert.equal(denied.status, 403);
      assert.equal((await resp.get(`/api/responder-accounts/${jsAcc.body.id}`)).status, 200);
      assert.equal((await resp.get(`/api/responder-accounts/${offAcc.body.id}`)).status, 200, 'office items are shared');
      const list = (await resp.get('/api/responder-accounts')).body as { username: string }[];
      assert.deepEqual(list.map((a) => a.username).sort(), ['县住建局', '建设小李'].sort());
      const del = await resp.request('DELETE', `/api/responder-accounts/${zfAcc.body.id}`);
      assert.equal(del.status, 403);
      assert.ok(depts.jsk);
    });
  });
}
