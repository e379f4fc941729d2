import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureAdmin } from '../../src/auth/users.ts';
import type { Db } from '../../src/db/connect.ts';
import { wecomStandin } from '../alert/standins.ts';
import { testDatabases } from '../helpers/db.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

for (const tdb of testDatabases) {
  describe(`first-run checklist and the example workspace [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let admin: ApiClient;
    let robot: Awaited<ReturnType<typeof wecomStandin>>;
    const steps = async (c: ApiClient) => Object.fromEntries(((await c.get('/api/setup')).body.steps as { key: string; done: boolean }[]).map((s) => [s.key, s.done]));

    before(async () => {
      ({ db, drop } = await tdb.create());
      const created = await ensureAdmin(db.kysely, 'first-admin-pass');
      assert.ok(created);
      robot = await wecomStandin('setup-key');
      server = await startTestServer(db, { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' });
      admin = new ApiClient(server.url);
      assert.equal((await admin.login(created.username, 'first-admin-pass')).status, 200);
    });
    after(async () => {
      await server.close();
      await robot.close();
      await drop();
    });

    test('a fresh workspace has every step open; each ticks itself as the workspace fills, the last when a test message arrived', async () => {
      const fresh = await admin.get('/api/setup');
      assert.equal(fresh.status, 200);
      assert.deepEqual(fresh.body.steps.map((s: any) => s.key), ['departments', 'users', 'sources', 'rules', 'channels', 'test']);
      assert.equal(fresh.body.done, false);
      assert.equal(fresh.body.can_import_example, true);
      assert.ok(fresh.body.steps.every((s: any) => !s.done));

      assert.equal((await admin.post('/api/departments', { code: 'office', name: '局办公室', phone: '0571-1', is_office: true })).status, 201);
      assert.equal((await steps(admin)).departments, true);
      const user = await admin.post('/api/users', { username: 'wangfang', display_name: '王芳', role: 'office', department_id: null });
      assert.equal(user.status, 201, JSON.stringify(user.body));
      assert.equal((await steps(admin)).users, true);
      assert.equal((await admin.post('/api/sources', { name: '县论坛', kind: 'manual' })).status, 201);
      assert.equal((await admin.post('/api/rules', { name: '停水', expression: '停水 | 断水' })).status, 201);
      // The in-app channel reaches nobody outside the console: not yet a channel step.
      assert.equal((await admin.post('/api/channels', { name: '站内', kind: 'inapp' })).status, 201);
      assert.equal((await steps(admin)).channels, false);
      const ch = await admin.post('/api/channels', { name: '值班群', kind: 'wecom', config: { key: `${robot.url}/cgi-bin/webhook/send?key=setup-key` } });
      assert.equal(ch.status, 201, JSON.stringify(ch.body));
      let now = await steps(admin);
      assert.equal(now.channels, true);
      assert.equal(now.test, false);
      assert.equal((await admin.post(`/api/channels/${ch.body.id}/test`)).body.ok, true);
      now = await steps(admin);
      assert.equal(now.test, true);
      assert.equal((await admin.get('/api/setup')).body.done, true);
    });

    test('the example workspace imports for an administrator, with a generated password per user; others may not import it', async () => {
      const res = await admin.post('/api/setup/example');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.result.sections.departments.created >= 5);
      assert.ok(res.body.result.sections.watch_rules.created >= 5);
      const wang = res.body.users.find((u: any) => u.username === 'wangfang');
      assert.ok(wang.password.length >= 10);
      const office = new ApiClient(server.url);
      assert.equal((await office.login('wangfang', wang.password)).status, 200);
      assert.equal((await office.get('/api/setup')).body.can_import_example, false);
      assert.equal((await office.post('/api/setup/example')).status, 403);
      const liwei = res.body.users.find((u: any) => u.username === 'liwei');
      const responder = new ApiClient(server.url);
      assert.equal((await responder.login('liwei', liwei.password)).status, 200);
      assert.equal((await responder.get('/api/setup')).status, 403);
    });
  });
}
