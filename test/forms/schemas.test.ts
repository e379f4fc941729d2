import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { channelProviders } from '../../src/alert/channels/index.ts';
import { sourceKinds } from '../../src/collect/sources/index.ts';
import type { Db } from '../../src/db/connect.ts';
import { formSchema, unlabelled } from '../../src/forms/json-schema.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { wecomStandin } from '../alert/standins.ts';

const HAN = /\p{Script=Han}/u;
const LATIN_WORDS = /Invalid input|expected|received|undefined|Too small|Too big/;

test('every field of every channel and source kind has a zh-CN label in its form schema', () => {
  for (const p of Object.values(channelProviders)) {
    const s = formSchema(p.config, `channel.${p.kind}`, p.secretFields);
    assert.deepEqual(unlabelled(s), [], `channel ${p.kind}`);
    for (const [name, prop] of Object.entries(s.properties as Record<string, { title: string; writeOnly?: boolean }>)) {
      assert.match(prop.title, HAN, `channel ${p.kind}.${name}`);
      assert.equal(prop.writeOnly === true, p.secretFields.includes(name), `channel ${p.kind}.${name} secret`);
    }
  }
  for (const k of Object.values(sourceKinds)) assert.deepEqual(unlabelled(formSchema(k.config, 'source')), [], `source ${k.kind}`);
  const email = formSchema(channelProviders.email.config, 'channel.email') as { properties: { tls: { 'x-enumLabels': Record<string, string> } } };
  assert.equal(email.properties.tls['x-enumLabels'].implicit, 'SSL（465 端口）');
});

for (const tdb of testDatabases) {
  describe(`generated forms: schemas and field errors through the API [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let office: ApiClient;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db, { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' });
      office = new ApiClient(server.url);
      assert.equal((await office.login('office1', PASSWORD)).status, 200);
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('the kinds answer their settings as JSON Schema with zh-CN titles and secrets marked', async () => {
      const channels = await office.get('/api/channel-kinds');
      assert.equal(channels.status, 200);
      const wecom = channels.body.find((k: any) => k.kind === 'wecom');
      assert.equal(wecom.schema.properties.key.title, '机器人 Key');
      assert.equal(wecom.schema.properties.key.writeOnly, true);
      assert.deepEqual(wecom.schema.required, ['key']);
      assert.equal(wecom.schema.properties.baseUrl['x-advanced'], true);
      const sources = await office.get('/api/source-kinds');
      assert.equal(sources.status, 200);
      const html = sources.body.find((k: any) => k.kind === 'html');
      assert.equal(html.pulled, true);
      assert.equal(html.schema.properties.preset['x-enumLabels'].discuz, 'Discuz! 论坛');
      assert.equal(html.schema.properties.list.properties.item.title, '条目');
      const responder = new ApiClient(server.url);
      await responder.login('resp_js', PASSWORD);
      assert.equal((await responder.get('/api/source-kinds')).status, 403);
    });

    test('a config the server refuses comes back in Chinese, per field, never as zod English', async () => {
      const missing = await office.post('/api/channels', { name: '企业微信群', kind: 'wecom', config: {} });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.message, '渠道配置有误：“机器人 Key”必须填写');
      assert.deepEqual(missing.body.error.details.fields, [{ path: ['config', 'key'], message: '“机器人 Key”必须填写' }]);
      const email = await office.post('/api/channels', { name: '邮件', kind: 'email', config: { host: 'smtp.example.gov.cn', from: 'a@b.cn', to: ['nobody'], port: 70000, extra: 1 } });
      assert.equal(email.status, 400);
      const fields = email.body.error.details.fields as { path: string[]; message: string }[];
      assert.deepEqual(fields.map((f) => f.path.join('.')).sort(), ['config.extra', 'config.port', 'config.to.0']);
      for (const f of fields) {
        assert.match(f.message, HAN, f.message);
        assert.doesNotMatch(f.message, LATIN_WORDS, f.message);
      }
      assert.equal(fields.find((f) => f.path[1] === 'port')!.message, '“端口”不能大于 65535');
      const source = await office.post('/api/sources', { name: '县论坛', kind: 'html', url: 'http://127.0.0.1:1/forum', config: { charset: 'klingon-8', max_pages: 50 } });
      assert.equal(source.status, 400);
      assert.doesNotMatch(source.body.error.message, LATIN_WORDS);
      assert.deepEqual(
        source.body.error.details.fields.map((f: any) => [f.path.join('.'), f.message]).sort(),
        [
          ['config.charset', '不认识的字符编码，可用 UTF-8、GBK、GB18030、Big5'],
          ['config.list', '没有选用预设模板时，必须填写列表项、标题和链接三个选择器'],
          ['config.max_pages', '“最多翻页数”不能大于 20'],
        ],
      );
    });

    test('the whole robot webhook address pasted as the key is split into key and address, and the robot gets the test', async () => {
      const robot = await wecomStandin('robot-key-1');
      try {
        const made = await office.post('/api/channels', { name: '值班群', kind: 'wecom', config: { key: `${robot.url}/cgi-bin/webhook/send?key=robot-key-1` } });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        assert.equal(made.body.config.key, '********');
        assert.equal(made.body.config.baseUrl, robot.url);
        const row = await db.kysely.selectFrom('channels').select('config').where('id', '=', made.body.id).executeTakeFirstOrThrow();
        assert.equal(JSON.parse(row.config).key, 'robot-key-1');
        const sent = await office.post(`/api/channels/${made.body.id}/test`);
        assert.equal(sent.body.ok, true, JSON.stringify(sent.body));
        assert.equal(robot.received.length, 1);
      } finally {
        await robot.close();
      }
    });
  });
}
