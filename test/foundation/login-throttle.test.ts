import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { passwordChecks } from '../../src/auth/password.ts';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, FIRST_LOCK_MS, reserveLoginAttempt } from '../../src/auth/throttle.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

/** One login from a fresh browser; `from` is sent as X-Forwarded-For, `cookie` as the Cookie header. */
async function login(server: TestServer, username: string, password: string, opts: { from?: string; cookie?: string } = {}) {
  const c = new ApiClient(server.url);
  if (opts.cookie) c.cookie = opts.cookie;
  const headers: Record<string, string> = opts.from ? { 'x-forwarded-for': opts.from } : {};
  return c.request('POST', '/api/auth/login', { username, password }, { headers });
}

function deviceCookie(res: { headers: Headers }): string {
  const c = res.headers.getSetCookie().find((v) => v.startsWith('minsheng_device='));
  assert.ok(c, 'a successful login leaves a device cookie');
  assert.match(c, /HttpOnly/i);
  return c.split(';')[0];
}

async function lastLoginIp(db: Db): Promise<string> {
  const row = await db.kysely.selectFrom('audit_log').select('after').where('action', '=', 'auth.login').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return JSON.parse(row.after!).ip;
}

describe('MINSHENG_TRUST_PROXY', () => {
  test('off by default; 1/true trust one hop; a list of addresses and CIDRs; nonsense is refused', () => {
    const env = (v?: string) => loadConfig({ MINSHENG_TRUST_PROXY: v }).MINSHENG_TRUST_PROXY;
    assert.equal(env(undefined), false);
    assert.equal(env('0'), false);
    assert.equal(env('1'), 1);
    assert.equal(env('true'), 1);
    assert.equal(env('2'), 2);
    assert.deepEqual(env('10.0.0.1, 192.168.0.0/16,::1,loopback'), ['10.0.0.1', '192.168.0.0/16', '::1', 'loopback']);
    assert.throws(() => env('nginx'), (e: unknown) => e instanceof ConfigError && /MINSHENG_TRUST_PROXY/.test((e as Error).message));
    assert.throws(() => env('10.0.0.0/33'), ConfigError);
  });
});

for (const tdb of testDatabases) {
  describe(`login throttling [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let direct: TestServer;
    let proxied: TestServer;
    /** A second server on its own connection to the same database, as another process would be. */
    let second: { db: Db; server: TestServer };

    before(async () => {
      let url: string;
      ({ db, drop, url } = await tdb.create());
      await seedOrg(db);
      direct = await startTestServer(db);
      proxied = await startTestServer(db, { MINSHENG_TRUST_PROXY: '1' });
      const otherDb = await openDatabase(url);
      second = { db: otherDb, server: await startTestServer(otherDb) };
    });
    after(async () => {
      await direct.close();
      await proxied.close();
      await second.server.close();
      await second.db.close();
      await drop();
    });
    beforeEach(async () => {
      await db.kysely.deleteFrom('login_throttle').execute();
    });

    test('50 wrong passwords at once, over two servers: at most the limit are checked, the rest refused unchecked', async () => {
      const checksBefore = passwordChecks.count;
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? direct : second.server, 'office1', `wrong-${i}`)));
      const checked = passwordChecks.count - checksBefore;
      const statuses = results.map((r) => r.status);
      assert.ok(checked <= ACCOUNT_LIMIT, `${checked} passwords checked`);
      assert.equal(statuses.filter((s) => s === 401).length, checked);
      assert.equal(statuses.filter((s) => s === 429).length, 50 - checked);
      const refused = results.find((r) => r.status === 429)!;
      assert.match(refused.body.error.message, /该账号登录失败次数过多.*请 \d+ (秒|分钟)后（北京时间 \d\d:\d\d:\d\d 之后）再试/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    });

    test('without MINSHENG_TRUST_PROXY a rotating X-Forwarded-For is ignored: the address limit holds', async () => {
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        const res = await login(direct, `nobody${i}`, 'guess', { from: `203.0.113.${i + 1}` });
        assert.equal(res.status, 401, `attempt ${i + 1}`);
      }
      const res = await login(direct, 'nobody-else', 'guess', { from: '198.51.100.77' });
      assert.equal(res.status, 429);
      assert.equal(res.body.error.scope, 'address');
      assert.match(res.body.error.message, /网络地址的登录失败次数过多/);
    });

    test('with MINSHENG_TRUST_PROXY=1 the forwarded address is the one counted and recorded', async () => {
      for (let i = 0; i < ADDRESS_LIMIT; i++) assert.equal((await login(proxied, `nobody${i}`, 'guess', { from: '203.0.113.7' })).status, 401);
      const blocked = await login(proxied, 'office1', PASSWORD, { from: '203.0.113.7' });
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.scope, 'address');
      const other = await login(proxied, 'office1', PASSWORD, { from: '203.0.113.8' });
      assert.equal(other.status, 200);
      assert.equal(await lastLoginIp(db), '203.0.113.8');
      // The direct server does not believe the header.
      assert.equal((await login(direct, 'office1', PASSWORD, { from: '203.0.113.9' })).status, 200);
      assert.equal(await lastLoginIp(db), '127.0.0.1');
      // A list believes the header from the proxies named, and only from them.
      for (const [setting, expected] of [['127.0.0.1', '203.0.113.10'], ['10.0.0.1,192.168.0.0/16', '127.0.0.1']]) {
        const s = await startTestServer(db, { MINSHENG_TRUST_PROXY: setting });
        try {
          assert.equal((await login(s, 'office1', PASSWORD, { from: '198.51.100.3, 203.0.113.10' })).status, 200);
          assert.equal(await lastLoginIp(db), expected, setting);
        } finally {
          await s.close();
        }
      }
    });

    test("strangers lock the account, not its owner's known device; the attacker stays refused", async () => {
      const first = await login(proxied, 'leader1', PASSWORD, { from: '198.51.100.1' });
      assert.equal(first.status, 200);
      const device = deviceCookie(first);
      for (let i = 0; i < 12; i++) {
        const res = await login(proxied, 'leader1', `guess-${i}`, { from: `203.0.113.${i + 1}` });
        assert.equal(res.status, i < ACCOUNT_LIMIT ? 401 : 429, `attack ${i + 1}`);
      }
      const attacker = await login(proxied, 'leader1', PASSWORD, { from: '203.0.113.50' });
      assert.equal(attacker.status, 429, 'a stranger is refused even with the right password while locked');
      assert.equal(attacker.body.error.scope, 'account');
      const owner = await login(proxied, 'leader1', PASSWORD, { from: '198.51.100.1', cookie: device });
      assert.equal(owner.status, 200, JSON.stringify(owner.body));
      // Another address behind the same browser, too: the device is what counts.
      assert.equal((await login(proxied, 'leader1', PASSWORD, { from: '203.0.113.7', cookie: device })).status, 200);
      // A forged cookie, or the cookie shown for another account, is a stranger.
      const forged = device.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
      assert.equal((await login(proxied, 'leader1', PASSWORD, { from: '198.51.100.1', cookie: forged })).status, 429);
      for (let i = 0; i < ACCOUNT_LIMIT + 1; i++) await login(proxied, 'head_js', `guess-${i}`, { from: `203.0.113.${i + 60}` });
      assert.equal((await login(proxied, 'head_js', PASSWORD, { from: '198.51.100.1', cookie: device })).status, 429);
    });

    test('a known device has its own limit: wrong passwords there lock only that device', async () => {
      const first = await login(direct, 'resp_zf', PASSWORD);
      const device = deviceCookie(first);
      for (let i = 0; i < ACCOUNT_LIMIT; i++) assert.equal((await login(direct, 'resp_zf', `typo-${i}`, { cookie: device })).status, 401);
      const locked = await login(direct, 'resp_zf', PASSWORD, { cookie: device });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.scope, 'device');
      assert.equal((await login(direct, 'resp_zf', PASSWORD)).status, 200, 'the account itself is not locked');
    });

    test('a lockout is short and doubles with each repeat', async () => {
      const who = { username: 'resp_js', ip: '192.0.2.1', deviceId: null };
      let now = Date.parse('2026-03-02T08:00:00.000Z');
      const waits: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < ACCOUNT_LIMIT; i++) assert.equal((await reserveLoginAttempt(db.kysely, who, new Date(now))).ok, true);
        const gate = await reserveLoginAttempt(db.kysely, who, new Date(now));
        assert.equal(gate.ok, false);
        if (gate.ok) return;
        waits.push(gate.retryAfterSeconds);
        // Still locked a moment before the end, free after it.
        assert.equal((await reserveLoginAttempt(db.kysely, who, new Date(Date.parse(gate.until) - 1000))).ok, false);
        now = Date.parse(gate.until) + 1000;
      }
      assert.deepEqual(waits, [1, 2, 4].map((m) => (m * FIRST_LOCK_MS) / 1000));
    });
  });
}
