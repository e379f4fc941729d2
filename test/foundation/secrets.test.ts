import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { loadOperations, resourceOf, sessionBreaking, sessionCaller, sweep, type Planter } from '../helpers/sweep.ts';

// Every secret a workspace can configure, each unique so that a leak names its origin.
const SECRETS = {
  sourceHeader: 'SRC-HEADER-SECRET-91a7',
  sourceUrlToken: 'SRC-URL-TOKEN-52c1',
  sourceUserinfo: 'SRC-USERPASS-77d0',
  webhookSecret: 'WH-SIGN-SECRET-3f0e',
  webhookHeader: 'WH-HEADER-SECRET-4b2d',
  dingtalkToken: 'DT-TOKEN-5e8a',
  dingtalkSecret: 'DT-SECRET-6c31',
  wecomKey: 'WECOM-KEY-7a90',
  feishuToken: 'FS-TOKEN-8d42',
  smtpPassword: 'SMTP-PASS-9e17',
};
const DEAD = 'http://127.0.0.1:9'; // nothing listens: a send fails at once, locally

const USERS = { admin: 'admin1', office: 'office1', responder: 'resp_js', head: 'head_js', leader: 'leader1' } as const;

function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
}

for (const tdb of testDatabases) {
  describe(`secrets stay secret for every role [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    const clients: Record<string, ApiClient> = {};
    const ids = { sources: [] as number[], channels: [] as number[] };

    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db);
      for (const [role, user] of Object.entries(USERS)) {
        clients[role] = new ApiClient(server.url);
        assert.equal((await clients[role].login(user, PASSWORD)).status, 200);
      }
      const o = clients.office;
      const src = await o.post('/api/sources', {
        name: '接口源',
        kind: 'json',
        url: `http://api:${SECRETS.sourceUserinfo}@127.0.0.1:9/items?token=${SECRETS.sourceUrlToken}&page=1`,
        config: { items: 'data', fields: { title: 'title' }, headers: { 'X-Api-Key': SECRETS.sourceHeader, 'User-Agent': 'minsheng' } },
      });
      assert.equal(src.status, 201, JSON.stringify(src.body));
      ids.sources.push(src.body.id);
      const channels = [
        { name: '通用回调', kind: 'webhook', config: { url: `${DEAD}/hook`, secret: SECRETS.webhookSecret, headers: { Authorization: `Bearer ${SECRETS.webhookHeader}` } } },
        { name: '钉钉群', kind: 'dingtalk', config: { accessToken: SECRETS.dingtalkToken, secret: SECRETS.dingtalkSecret, baseUrl: DEAD } },
        { name: '企业微信群', kind: 'wecom', config: { key: SECRETS.wecomKey, baseUrl: DEAD } },
        { name: '飞书群', kind: 'feishu', config: { token: SECRETS.feishuToken, baseUrl: DEAD } },
        { name: '邮件', kind: 'email', config: { host: '127.0.0.1', port: 9, tls: 'none', user: 'u', password: SECRETS.smtpPassword, from: 'a@example.com', to: ['b@example.com'] } },
      ];
      for (const c of channels) {
        const r = await o.post('/api/channels', c);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.channels.push(r.body.id);
      }
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('a masked configuration given back keeps the stored secrets; a changed one replaces them', async () => {
      const o = clients.office;
      const shown = await o.get(`/api/sources/${ids.sources[0]}`);
      assert.equal(shown.body.config.headers['X-Api-Key'], '********');
      assert.equal(shown.body.config.headers['User-Agent'], '********', 'every header value is masked: a key may hide under any name');
      assert.match(shown.body.url, /token=\*{8}&page=1/);
      const saved = await o.patch(`/api/sources/${ids.sources[0]}`, { url: shown.body.url, config: { ...shown.body.config, headers: { ...shown.body.config.headers, 'User-Agent': 'minsheng/2' } } });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const row = await db.kysely.selectFrom('sources').select(['url', 'config']).where('id', '=', ids.sources[0]).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.config).headers, { 'X-Api-Key': SECRETS.sourceHeader, 'User-Agent': 'minsheng/2' });
      assert.ok(row.url!.includes(SECRETS.sourceUrlToken) && row.url!.includes(SECRETS.sourceUserinfo));

      const ch = await o.get(`/api/channels/${ids.channels[0]}`);
      assert.equal(ch.body.config.headers.Authorization, '********');
      assert.equal((await o.patch(`/api/channels/${ids.channels[0]}`, { config: ch.body.config, min_level: 'yellow' })).status, 200);
      const stored = await db.kysely.selectFrom('channels').select('config').where('id', '=', ids.channels[0]).executeTakeFirstOrThrow();
      assert.equal(JSON.parse(stored.config).headers.Authorization, `Bearer ${SECRETS.webhookHeader}`);

      const fresh = await o.post('/api/sources', { name: '新接口', kind: 'json', url: `${DEAD}/x`, config: { items: 'data', fields: { title: 't' }, headers: { 'X-Api-Key': '********' } } });
      assert.equal(fresh.status, 400, 'a mask with nothing stored behind it is refused');
      assert.match(fresh.body.error.message, /headers\.X-Api-Key/);
    });

    test('a responder, head or leader sees that a source exists, not how it is configured', async () => {
      for (const role of ['responder', 'head', 'leader']) {
        const list = await clients[role].get('/api/sources');
        assert.equal(list.status, 200);
        const s = list.body.find((x: { id: number }) => x.id === ids.sources[0]);
        assert.deepEqual(s.config, {}, role);
        assert.equal((await clients[role].get(`/api/sources/${ids.sources[0]}`)).body.config.headers, undefined, role);
      }
    });

    test('no answer of any operation, as any role, holds a configured secret', async () => {
      const ops = await loadOperations(server.url);
      assert.ok(ops.length > 50, `the document lists the API (${ops.length} operations)`);
      // Ids of the configured records wherever an operation takes one; deletions come after every read.
      const planter: Planter = {
        pathIds: (op) => (resourceOf(op.path) === 'channels' ? ids.channels : resourceOf(op.path) === 'sources' ? ids.sources : [1, 2]),
        fieldId: (field) => (field === 'source_id' ? ids.sources[0] : field === 'channel_id' ? ids.channels[0] : 1),
      };
      const ordered = [...ops].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
      const roles = Object.keys(USERS).map((role) => ({ name: role, call: sessionCaller(clients[role]), aim: { foreign: planter, own: planter } }));
      const records = await sweep(ordered, roles, { skip: sessionBreaking });
      assert.ok(records.length > 300, `walked ${records.length} calls`);
      const found = records.flatMap((r) => leaks(r.answer.text).map((what) => `${r.role} ${r.req.method} ${r.req.url} → ${r.answer.status}: ${what}`));
      assert.deepEqual(found, []);
    });

    test('the audit trail and the workspace export never hold a secret, and the export applies back unchanged', async () => {
      const audit = await db.kysely.selectFrom('audit_log').select(['before', 'after']).execute();
      assert.ok(audit.length > 5);
      assert.deepEqual(leaks(JSON.stringify(audit)), []);
      const yaml = await clients.admin.get('/api/workspace');
      assert.equal(yaml.status, 200);
      assert.deepEqual(leaks(String(yaml.body)), []);
      const before = await db.kysely.selectFrom('sources').select(['url', 'config']).orderBy('id').execute();
      const applied = await clients.admin.post('/api/workspace/apply', { yaml: yaml.body });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual(await db.kysely.selectFrom('sources').select(['url', 'config']).orderBy('id').execute(), before, 'masked values in the file keep the stored secrets');
    });
  });
}
