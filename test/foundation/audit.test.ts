import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import type { Db } from '../../src/db/connect.ts';

for (const tdb of testDatabases) {
  describe(`audit trail [${tdb.kind}]`, () => {
    let server: TestServer;
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      const created = await tdb.create();
      ({ db, drop } = created);
      await seedOrg(db);
      server = await startTestServer(db);
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('workspace changes made from the CLI are recorded with their actor', async () => {
      const rows = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'department.create').execute();
      assert.equal(rows.length, 3);
      assert.ok(rows.every((r) => r.via === 'cli' && r.actor_name.startsWith('cli:')));
    });

    test('an API change is recorded with who, when, before and after, and no password hash', async () => {
      const c = new ApiClient(server.url);
      await c.login('admin1', PASSWORD);
      const created = await c.post('/api/users', { username: 'newbie', display_name: '新人', role: 'leader' });
      assert.equal(created.status, 201);
      assert.ok(created.body.initialPassword.length >= 12);
      const id = created.body.user.id;
      const upd = await c.patch(`/api/users/${id}`, { display_name: '新同事' });
      assert.equal(upd.status, 200);
      const trail = await c.get(`/api/audit?entity=user&entityId=${id}`);
      assert.equal(trail.status, 200);
      const [update, create] = trail.body;
      assert.equal(update.action, 'user.update');
      assert.equal(update.actor_name, '管理员');
      assert.equal(update.via, 'api');
      assert.equal(JSON.parse(update.before).display_name, '新人');
      assert.equal(JSON.parse(update.after).display_name, '新同事');
      assert.equal(create.action, 'user.create');
      assert.ok(!create.after.includes('argon2'), 'password hashes never enter the audit trail');
      assert.ok(Date.parse(update.at) > 0);
    });

    test('a refused change writes no audit row', async () => {
      const before = (await db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      const c = new ApiClient(server.url);
      await c.login('resp_js', PASSWORD);
      assert.equal((await c.post('/api/departments', { code: 'hack', name: '黑' })).status, 403);
      const afterCount = (await db.kysely.selectFrom('audit_log').where('action', '!=', 'auth.login').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      const logins = (await db.kysely.selectFrom('audit_log').where('action', '=', 'auth.login').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      assert.equal(Number(afterCount) + Number(logins), Number(before) + 1);
    });
  });
}
