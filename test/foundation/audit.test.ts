import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import type { Db } from '../../src/db/connect.ts';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../../src/i18n/index.ts';
import { AUDIT_ENTITIES } from '../../src/audit/vocabulary.ts';
import { CASE_EVENT_KINDS } from '../../src/cases/history.ts';
import { actionName, describeAudit } from '../../src/audit/describe.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the audit trail in Chinese', () => {
  const zh = catalogue();
  test('every action code written in src/ reads as a Chinese sentence', () => {
    const actions = new Set<string>();
    for (const f of sources('src')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\baction: '([a-z_.]+)'/g)) actions.add(m[1]);
      for (const m of text.matchAll(/actions: \{ create: '([a-z_.]+)', update: '([a-z_.]+)' \}/g)) actions.add(m[1]).add(m[2]);
    }
    assert.ok(actions.size > 60, `found ${actions.size} action codes`);
    // Case events are recorded as `case.<kind>`; commitment moves under their event kind.
    for (const k of CASE_EVENT_KINDS) actions.add(k.startsWith('commitment.') ? k : `case.${k}`);
    const missing = [...actions].filter((a) => !Object.hasOwn(zh, `audit.action.${a}`) && !(a.startsWith('case.') && Object.hasOwn(zh, `web.caseEvent.${a.slice(5)}`)));
    assert.deepEqual(missing, []);
    for (const a of actions) assert.doesNotMatch(actionName(a), /[A-Za-z]/, a);
  });

  test('every kind of object has a Chinese name', () => {
    assert.deepEqual(AUDIT_ENTITIES.filter((e) => !Object.hasOwn(zh, `audit.entity.${e}`)), []);
  });

  test('every column of an audited table has a Chinese label', () => {
    const schema = readFileSync('src/db/schema.ts', 'utf8');
    const audited = ['Department', 'User', 'Source', 'WatchRule', 'WatchPeriod', 'Channel', 'Case', 'Response', 'Memo', 'Instruction', 'Commitment', 'ResponderAccount', 'ReplyTemplate', 'NamedDate', 'ReportSchedule', 'DictionaryWord', 'TaxonomyTopic'];
    const hidden = new Set(['id', 'updated_at', 'password_hash', 'version', 'claim_token', 'lease_until']);
    const missing: string[] = [];
    for (const name of audited) {
      const body = new RegExp(`export interface ${name}Table \\{([^}]*)\\}`).exec(schema)?.[1];
      assert.ok(body, `${name}Table in schema.ts`);
      for (const m of body.matchAll(/^\s+([a-z_0-9]+)\??:/gm)) if (!hidden.has(m[1]) && !Object.hasOwn(zh, `audit.field.${m[1]}`)) missing.push(`${name}.${m[1]}`);
    }
    assert.deepEqual(missing, []);
  });

  test('an entry reads as who did what to which named thing, with its diff', () => {
    const row = {
      id: 1, at: '2026-12-08T01:00:00.000Z', actor_id: 3, actor_name: '张三', via: 'api' as const, action: 'channel.update', entity: 'channel' as const, entity_id: '7',
      before: JSON.stringify({ id: 7, name: '办公室企业微信群', kind: 'wecom', enabled: 1, min_level: 'blue', config: { key: '********' }, updated_at: 'x' }),
      after: JSON.stringify({ id: 7, name: '办公室企业微信群', kind: 'wecom', enabled: 0, min_level: 'orange', config: { key: '********' }, updated_at: 'y' }),
    };
    const e = describeAudit(row, { users: new Map(), cases: new Map() });
    assert.equal(e.summary, '张三 修改了预警渠道「办公室企业微信群」');
    assert.deepEqual(e.changes, [
      { field: 'enabled', label: '启用', before: '是', after: '否' },
      { field: 'min_level', label: '最低等级', before: '一般', after: '重大' },
    ]);
    const cli = describeAudit({ ...row, actor_id: null, actor_name: 'cli:root', via: 'cli', action: 'auth.login', entity: 'user', entity_id: '3', before: null, after: null }, { users: new Map([[3, '李四']]), cases: new Map() });
    assert.equal(cli.summary, '命令行（root） 登录了系统');
    const kase = describeAudit({ ...row, actor_name: 'system', via: 'system', action: 'case.assign', entity: 'case', entity_id: '13', before: null, after: null }, { users: new Map(), cases: new Map([[13, '2026-0013']]) });
    assert.equal(kase.summary, '系统 对舆情处置单「2026-0013」：分派');
  });
});

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

    test('the console reads each entry as a Chinese sentence with a before/after diff, secrets masked, and filters by action, person and day', async () => {
      const c = new ApiClient(server.url);
      await c.login('admin1', PASSWORD);
      const made = await c.post('/api/channels', { name: '办公室企业微信群', kind: 'wecom', min_level: 'blue', config: { key: 'real-secret-key-123' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const upd = await c.patch(`/api/channels/${made.body.id}`, { min_level: 'orange', config: { key: 'another-secret-456' } });
      assert.equal(upd.status, 200, JSON.stringify(upd.body));
      const trail = await c.get('/api/audit?action=channel.update');
      assert.equal(trail.status, 200);
      const [entry] = trail.body;
      assert.equal(entry.summary, '管理员 修改了预警渠道「办公室企业微信群」');
      const level = entry.changes.find((x: { field: string }) => x.field === 'min_level');
      assert.deepEqual(level, { field: 'min_level', label: '最低等级', before: '一般', after: '重大' });
      assert.ok(!JSON.stringify(trail.body).includes('secret-'), 'no secret in the trail');
      assert.ok(trail.body.every((r: { action: string }) => r.action === 'channel.update'));

      const created = (await c.get('/api/audit?action=channel.create')).body[0];
      assert.equal(created.summary, '管理员 新建了预警渠道「办公室企业微信群」');
      assert.ok(created.changes.some((x: { label: string; after: string }) => x.label === '类型' && x.after === '企业微信群机器人'));

      const byPerson = (await c.get(`/api/audit?actor=${encodeURIComponent('管理员')}`)).body;
      assert.ok(byPerson.length > 0 && byPerson.every((r: { actor_name: string }) => r.actor_name === '管理员'));
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      assert.ok((await c.get(`/api/audit?from=${today}&to=${today}&action=channel.update`)).body.length === 1);
      assert.equal((await c.get('/api/audit?from=2020-01-01&to=2020-01-31')).body.length, 0);
      assert.equal((await c.get('/api/audit?from=yesterday')).status, 400);

      const bad = await c.post('/api/users', { display_name: '', role: 'boss' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^提交的内容不符合要求：.*“用户名”必须填写.*“角色”只能是以下之一/);
      assert.doesNotMatch(bad.body.error.message, /Invalid|expected|received/);

      const facets = (await c.get('/api/audit/facets')).body;
      assert.ok(facets.actions.some((a: { action: string; name: string }) => a.action === 'channel.update' && a.name === '修改了预警渠道'));
      assert.ok(facets.actors.some((a: { actor_name: string; who: string }) => a.actor_name.startsWith('cli:') && a.who.startsWith('命令行（')));
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

describe('validation failures people read in Chinese', () => {
  test('a missing robot key, a short value, a bad URL and an unknown option each name the field in Chinese', async () => {
    const { z } = await import('zod');
    const { issuesText } = await import('../../src/i18n/issues.ts');
    const schema = z.object({ key: z.string(), from: z.string().min(3), url: z.string().url(), port: z.number().int().max(65535), tls: z.enum(['implicit', 'starttls']) }).strict();
    const r = schema.safeParse({ from: 'a', url: 'x', port: 70000, tls: 'ssl', extra: 1 });
    assert.ok(!r.success);
    const text = issuesText(r.error.issues);
    assert.equal(
      text,
      '“机器人密钥（key）”必须填写；“发件人”至少 3 个字；“地址”不是有效的网址（应以 http:// 或 https:// 开头）；“端口”不能大于 65535；“加密连接”只能是以下之一：implicit、starttls；“提交的内容”含有无法识别的设置项：extra',
    );
    assert.doesNotMatch(text, /Invalid|expected|received/);
  });
});
