import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deliverDue } from '../../src/alert/delivery.ts';
import { enqueueNotice } from '../../src/alert/outbox.ts';
import type { Db } from '../../src/db/connect.ts';
import { watchConnections } from '../helpers/connections.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { dingtalkStandin, feishuStandin, smtpStandin, webhookReceiver, wecomStandin } from './standins.ts';

/**
 * Channels on a server where the administrator has NOT allowed private networks: "send test"
 * and delivery both stop at the policy, before connecting, for every kind; the refusal is
 * what people see (zh-CN) and what the attempt log keeps (English). The per-address cases of
 * every provider are in channels.contract.test.ts.
 */
for (const tdb of testDatabases) {
  describe(`channels under the outbound policy [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let c: ApiClient;
    const standins: { connections: number; close(): Promise<void> }[] = [];
    const channels: { id: number; kind: string }[] = [];

    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db, { MINSHENG_ALLOW_PRIVATE_NETWORKS: '0', MINSHENG_PUBLIC_URL: 'https://yq.example.gov.cn', MINSHENG_SECRET: 'outbound-test' });
      c = new ApiClient(server.url);
      await c.login('office1', PASSWORD);
      const wh = await webhookReceiver('outbound-secret');
      const wc = await wecomStandin('k');
      const dt = await dingtalkStandin('t', {});
      const fs = await feishuStandin('f', {});
      const smtp = await smtpStandin({ user: 'u@example.gov.cn', pass: 'p' });
      standins.push(wh, wc, dt, fs, smtp);
      const configs: [string, Record<string, unknown>][] = [
        ['webhook', { url: `${wh.url}/in`, secret: 'outbound-secret' }],
        ['wecom', { key: 'k', baseUrl: wc.url }],
        ['dingtalk', { accessToken: 't', baseUrl: dt.url.replace('127.0.0.1', 'localhost') }],
        ['feishu', { token: 'f', baseUrl: fs.url.replace('127.0.0.1', '169.254.169.254') }],
        ['email', { host: 'localhost', port: smtp.port, tls: 'none', user: 'u@example.gov.cn', password: 'p', from: 'u@example.gov.cn', to: ['o@example.gov.cn'] }],
      ];
      for (const [kind, config] of configs) {
        const res = await c.post('/api/channels', { name: `内网-${kind}`, kind, config, min_level: 'blue' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        channels.push({ id: res.body.id, kind });
      }
    });
    after(async () => {
      await server.close();
      for (const s of standins) await s.close();
      await drop();
    });

    test('"send test" returns the refusal, in zh-CN, without a byte from the target', async () => {
      const watch = watchConnections();
      try {
        for (const ch of channels) {
          const res = await c.post(`/api/channels/${ch.id}/test`);
          assert.equal(res.status, 200);
          assert.equal(res.body.ok, false, ch.kind);
          assert.equal(res.body.failure, 'blocked', `${ch.kind}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.status, null);
          assert.equal(res.body.answer, '');
          assert.match(res.body.message, /^测试消息发送失败：已拒绝连接 .*(内网|元数据)/);
          assert.match(res.body.error, /^refused to connect to /);
        }
      } finally {
        watch.restore();
      }
      assert.deepEqual(watch.attempts.filter((h) => h !== '127.0.0.1' && h !== 'localhost'), []);
      assert.deepEqual(standins.map((s) => s.connections), [0, 0, 0, 0, 0]);
    });

    test('delivery logs each attempt as a failure with the refusal as its reason', async () => {
      await db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: 'post', level: 'orange', title: '内网测试', body: '正文', key: 'outbound-1', departmentId: null }));
      const watch = watchConnections();
      try {
        await deliverDue(server.ctx);
      } finally {
        watch.restore();
      }
      const attempts = await db.kysely
        .selectFrom('alert_attempts')
        .innerJoin('alerts', 'alerts.id', 'alert_attempts.alert_id')
        .select(['alerts.channel_id', 'alert_attempts.ok', 'alert_attempts.error', 'alert_attempts.snippet', 'alert_attempts.status_code'])
        .execute();
      for (const ch of channels.filter((x) => x.kind !== 'inapp')) {
        const a = attempts.find((x) => x.channel_id === ch.id);
        assert.ok(a, `an attempt for ${ch.kind}`);
        assert.equal(a.ok, 0);
        assert.match(a.error ?? '', /^blocked: refused to connect to /, ch.kind);
        assert.equal(a.snippet, null);
        assert.equal(a.status_code, null);
        const row = await db.kysely.selectFrom('channels').select(['last_error', 'failure_streak']).where('id', '=', ch.id).executeTakeFirstOrThrow();
        assert.match(row.last_error ?? '', /^blocked: refused to connect/);
        assert.equal(Number(row.failure_streak), 1);
      }
      assert.deepEqual(watch.attempts.filter((h) => h !== '127.0.0.1' && h !== 'localhost'), []);
      assert.deepEqual(standins.map((s) => s.connections), [0, 0, 0, 0, 0]);
    });
  });
}
