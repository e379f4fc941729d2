import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { up as stripSourceOption } from '../../src/db/migrations/013_outbound.ts';
import { REFUSED_HOSTS, watchConnections } from '../helpers/connections.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';
import { addSource } from './helpers.ts';

/**
 * Sources under the outbound-address policy, on a server where the administrator has NOT
 * allowed private networks: nothing an office user sends (a URL, a test request, a source's
 * config) reaches the loopback stand-in or any private address.
 */
for (const tdb of testDatabases) {
  describe(`sources under the outbound policy [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let site: FakeSite;
    let o: ApiClient;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db, { MINSHENG_ALLOW_PRIVATE_NETWORKS: '0' });
      site = await startFakeSite();
      o = new ApiClient(server.url);
      await o.login('office1', PASSWORD);
    });
    after(async () => {
      await site.close();
      await server.close();
      await drop();
    });

    test('the source test refuses every private address with a zh-CN message, before connecting', async () => {
      const watch = watchConnections();
      try {
        for (const host of REFUSED_HOSTS) {
          const res = await o.post('/api/sources/test', { url: `${site.url.replace('127.0.0.1', host)}/rss092.xml` });
          assert.equal(res.status, 400, `${host}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.error.code, 'outbound_refused', host);
          assert.match(res.body.error.message, /^已拒绝连接 .*(内网|元数据)/, host);
          assert.match(res.body.error.detail, /^refused to connect to /);
        }
      } finally {
        watch.restore();
      }
      // The only sockets opened were the test's own, to the console on 127.0.0.1, and the name `localhost` (refused at its lookup).
      assert.deepEqual(watch.attempts.filter((h) => h !== '127.0.0.1' && h !== 'localhost'), []);
      assert.equal(site.connections, 0, 'the stand-in was never connected to');
    });

    test('the office cannot override the policy from the test request or a source config', async () => {
      const override = await o.post('/api/sources/test', { url: `${site.url}/rss092.xml`, config: { allow_private_network: true } });
      assert.equal(override.status, 400);
      assert.match(override.body.error.message, /allow_private_network 已取消.*系统管理员/);
      const create = await o.post('/api/sources', { name: '内网源', kind: 'feed', url: `${site.url}/rss092.xml`, config: { allow_private_network: true } });
      assert.equal(create.status, 400);
      assert.match(create.body.error.message, /系统管理员/);
      assert.equal(site.connections, 0);
    });

    test('a source on a private address fails its run with the refusal as the reason, nothing fetched', async () => {
      const created = await o.post('/api/sources', { name: '本机源', kind: 'feed', url: `${site.url}/rss092.xml` });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const run = await o.post(`/api/sources/${created.body.id}/collect`);
      assert.equal(run.status, 200);
      assert.equal(run.body.ok, false);
      assert.match(run.body.error, /^已拒绝连接 127\.0\.0\.1：该地址属于内网/);
      const row = await db.kysely.selectFrom('sources').select(['last_error', 'error_streak']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
      assert.match(row.last_error ?? '', /已拒绝连接/);
      assert.equal(row.error_streak, 1);
      assert.equal(site.connections, 0);
    });

    test('stored configs lose the removed option on upgrade, keeping the rest', async () => {
      const s = await addSource(db, { name: '旧内网源', kind: 'feed', url: 'http://rsshub.lan/weibo', config: { allow_private_network: true, charset: 'gbk' } });
      await stripSourceOption(db.kysely, db.kind);
      const row = await db.kysely.selectFrom('sources').select('config').where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.config!), { charset: 'gbk' });
    });
  });
}
