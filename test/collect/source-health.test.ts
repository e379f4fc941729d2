import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { collectDue } from '../../src/collect/collector.ts';
import { listSources, sourceHealth } from '../../src/collect/manage.ts';
import { problemOfAnswer } from '../../src/collect/problems.ts';
import { SILENCE_FLOOR_MS } from '../../src/collect/source-health.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { addSource, testContext, testFetcher } from './helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/health/${name}`, import.meta.url), 'utf8');
const HOUR = 3_600_000;

/** A stand-in for RSSHub and for sites: each path answers what the test set for it. */
interface Answer {
  status: number;
  type?: string;
  body?: string;
  location?: string;
}
async function startStandIn(): Promise<{ url: string; answers: Map<string, Answer>; server: Server }> {
  const answers = new Map<string, Answer>();
  const server = createServer((req, res) => {
    const a = answers.get(req.url ?? '') ?? { status: 404, body: 'not found' };
    res.writeHead(a.status, { 'content-type': a.type ?? 'text/html; charset=utf-8', ...(a.location ? { location: a.location } : {}) });
    res.end(a.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answers, server };
}

function feed(items: { id: string; at: number }[]): Answer {
  const body = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>县论坛</title><link>http://bbs.example/</link>${items
    .map((i) => `<item><title>帖子 ${i.id}</title><link>http://bbs.example/t/${i.id}</link><guid>${i.id}</guid><description>幸福路施工 ${i.id}</description><pubDate>${new Date(i.at).toUTCString()}</pubDate></item>`)
    .join('')}</channel></rss>`;
  return { status: 200, type: 'application/rss+xml; charset=utf-8', body };
}

test('recorded answers are told apart: cookie missing, expired, upstream refused, captcha, WAF, login page', () => {
  assert.equal(problemOfAnswer(503, fixture('rsshub-weibo-cookie.html')), 'login');
  assert.equal(problemOfAnswer(503, fixture('rsshub-xiaohongshu-expired.json')), 'login');
  assert.equal(problemOfAnswer(503, fixture('rsshub-douyin-upstream-403.html')), 'blocked');
  assert.equal(problemOfAnswer(403, fixture('captcha-403.html')), 'blocked');
  assert.equal(problemOfAnswer(412, fixture('waf-412.html')), 'blocked');
  assert.equal(problemOfAnswer(401, fixture('login-401.html')), 'login');
  assert.equal(problemOfAnswer(404, 'not found'), null);
  assert.equal(problemOfAnswer(503, '<h1>Service Unavailable</h1>'), null);
});

for (const tdb of testDatabases) {
  describe(`source health [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let stand: Awaited<ReturnType<typeof startStandIn>>;
    const fetcher = testFetcher();
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      ctx = testContext(db);
      stand = await startStandIn();
      const now = nowIso();
      await db.kysely.insertInto('channels').values({ name: 'office-webhook', kind: 'webhook', config: '{}', department_id: null, min_level: 'blue', quiet_hours: null, enabled: 1, failure_streak: 0, disabled_reason: null, created_at: now, updated_at: now }).execute();
    });
    after(async () => {
      await fetcher.close();
      await new Promise((r) => stand.server.close(r));
      await drop();
    });

    const notices = async (sourceId: number) => (await db.kysely.selectFrom('alerts').selectAll().where('idempotency_key', 'like', `source.health:${sourceId}:%`).orderBy('id').execute());
    const run = async (name: string, now = new Date()) => {
      await db.kysely.updateTable('sources').set({ next_check_at: null }).where('name', '=', name).execute();
      const [r] = await collectDue(ctx, { fetcher, sourceName: name, now });
      return r;
    };
    const healthOf = async (name: string) => (await listSources(db.kysely, cliActor())).find((s) => s.name === name)!.health;

    test('each failure reads as its problem in Chinese with what to do, served from real HTTP answers', async () => {
      const cases: { name: string; path: string; answer: Answer; state: string; reason: RegExp; action: RegExp }[] = [
        { name: '微博关键词', path: '/weibo/keyword/幸福路', answer: { status: 503, body: fixture('rsshub-weibo-cookie.html') }, state: 'login', reason: /要求登录/, action: /在 RSSHub 的配置中更新微博 Cookie（环境变量 WEIBO_COOKIES）后重启 RSSHub/ },
        { name: '小红书用户', path: '/xiaohongshu/user/5a1b/notes', answer: { status: 503, type: 'application/json', body: fixture('rsshub-xiaohongshu-expired.json') }, state: 'login', reason: /要求登录/, action: /更新小红书 Cookie/ },
        { name: '抖音用户', path: '/douyin/user/MS4wLjABAAAA', answer: { status: 503, body: fixture('rsshub-douyin-upstream-403.html') }, state: 'blocked', reason: /拦截页/, action: /RSSHub 访问抖音被拦截/ },
        { name: '县论坛', path: '/forum.php?mod=rss', answer: { status: 403, body: fixture('captcha-403.html') }, state: 'blocked', reason: /验证码、滑块/, action: /调大/ },
        { name: '政务网', path: '/gov/rss.xml', answer: { status: 412, body: fixture('waf-412.html') }, state: 'blocked', reason: /拦截页/, action: /调大/ },
        { name: '留言板', path: '/board/list', answer: { status: 401, body: fixture('login-401.html') }, state: 'login', reason: /要求登录/, action: /重新登录 127\.0\.0\.1/ },
        { name: '跳登录页', path: '/weibo/user/1195230310', answer: { status: 302, location: 'https://passport.weibo.com/visitor/visitor?entry=miniblog&a=enter&url=https%3A%2F%2Fweibo.com' }, state: 'login', reason: /要求登录/, action: /更新微博 Cookie/ },
      ];
      for (const c of cases) {
        stand.answers.set(encodeURI(c.path), c.answer);
        await addSource(db, { name: c.name, kind: 'feed', url: `${stand.url}${c.path}` });
        const r = await run(c.name);
        assert.equal(r.ok, false, c.name);
        const h = await healthOf(c.name);
        assert.equal(h.state, c.state, `${c.name}: ${r.error}`);
        assert.match(h.reason ?? '', c.reason, c.name);
        assert.match(h.action ?? '', c.action, c.name);
        assert.doesNotMatch(`${h.label}${h.reason}${h.action}`.replace(/RSSHub|Cookie|WEIBO_COOKIES|XIAOHONGSHU_COOKIE|PROXY_URI|RSS|127\.0\.0\.1/g, ''), /[A-Za-z]{3,}/, `${c.name}: Chinese only`);
      }
      // The source's last error is the Chinese text people read; RSSHub's own message goes to the log only.
      const weibo = await db.kysely.selectFrom('sources').selectAll().where('name', '=', '微博关键词').executeTakeFirstOrThrow();
      assert.match(weibo.last_error ?? '', /HTTP 503/);
      assert.doesNotMatch(weibo.last_error ?? '', /ConfigNotFoundError/);
      assert.equal(weibo.problem, 'login');
      // The health endpoint's answer carries the same.
      assert.equal((await sourceHealth(db.kysely, cliActor())).find((s) => s.name === '抖音用户')!.health.state, 'blocked');
    });

    test('a parse error and a refused connection count once they repeat; the office is told once per spell', async () => {
      stand.answers.set('/broken.xml', { status: 200, type: 'application/rss+xml', body: fixture('broken-feed.xml') });
      const broken = await addSource(db, { name: '坏订阅', kind: 'feed', url: `${stand.url}/broken.xml` });
      await run('坏订阅');
      assert.equal((await healthOf('坏订阅')).label, '重试中（失败 1 次）', 'one parse error is not yet a problem');
      assert.equal((await notices(broken.id)).length, 0);
      await run('坏订阅');
      const h = await healthOf('坏订阅');
      assert.equal(h.state, 'parse');
      assert.match(h.reason!, /无法解析/);
      await run('坏订阅');
      assert.equal((await notices(broken.id)).length, 1, 'not repeated every poll');
      const [n] = await notices(broken.id);
      assert.match(n.title, /坏订阅.*解析失败/);
      assert.match(n.body, /处理办法：在本页点击“测试”/);
      // Recovered, then broke again: told again.
      stand.answers.set('/broken.xml', feed([{ id: 'b1', at: Date.now() - HOUR }]));
      assert.equal((await run('坏订阅')).ok, true);
      assert.equal((await healthOf('坏订阅')).state, 'ok');
      stand.answers.set('/broken.xml', { status: 200, type: 'application/rss+xml', body: fixture('broken-feed.xml') });
      await run('坏订阅');
      await run('坏订阅');
      assert.equal((await notices(broken.id)).length, 2);

      // A closed port: 无法连接.
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      await addSource(db, { name: '关掉的站', kind: 'feed', url: `http://127.0.0.1:${port}/rss.xml` });
      await run('关掉的站');
      await run('关掉的站');
      const c = await healthOf('关掉的站');
      assert.equal(c.state, 'connect');
      assert.match(c.action!, /RSSHub 正在运行/);
    });

    test('a login wall is told at the first failure, once', async () => {
      stand.answers.set('/weibo/user/2', { status: 503, body: fixture('rsshub-weibo-cookie.html') });
      const s = await addSource(db, { name: '微博账号二', kind: 'feed', url: `${stand.url}/weibo/user/2` });
      await run('微博账号二');
      await run('微博账号二');
      const list = await notices(s.id);
      assert.equal(list.length, 1);
      assert.match(list[0].title, /微博账号二.*登录失效/);
      assert.match(list[0].body, /在 RSSHub 的配置中更新微博 Cookie/);
    });

    test('silent for longer than usual, against its own history, on a controlled clock; never for a young source', async () => {
      const t0 = Date.now() - 20 * 24 * HOUR;
      // Two years of watching, a post every 2 hours over the two days up to t0.
      const history = Array.from({ length: 24 }, (_, i) => ({ id: `h${i}`, at: t0 - (23 - i) * 2 * HOUR }));
      stand.answers.set('/quiet.xml', feed(history));
      const quiet = await addSource(db, { name: '安静的论坛', kind: 'feed', url: `${stand.url}/quiet.xml` });
      const young = await addSource(db, { name: '新加的论坛', kind: 'feed', url: `${stand.url}/quiet.xml` });
      await db.kysely.updateTable('sources').set({ created_at: new Date(t0 - 700 * 24 * HOUR).toISOString() }).where('id', '=', quiet.id).execute();
      await db.kysely.updateTable('sources').set({ created_at: new Date(t0 + 10 * HOUR).toISOString() }).where('id', '=', young.id).execute();
      assert.equal((await run('安静的论坛', new Date(t0 + HOUR))).created, 24);
      await run('新加的论坛', new Date(t0 + 11 * HOUR));
      // 2 h typical gap: 3 × 2 h = 6 h is under the floor, so silence starts after 12 h.
      assert.equal(SILENCE_FLOOR_MS, 12 * HOUR);
      await run('安静的论坛', new Date(t0 + 11 * HOUR));
      assert.equal((await notices(quiet.id)).length, 0, 'eleven quiet hours are within its usual');
      await run('安静的论坛', new Date(t0 + 13 * HOUR));
      await run('新加的论坛', new Date(t0 + 13 * HOUR));
      assert.equal((await notices(quiet.id)).length, 1);
      assert.equal((await notices(young.id)).length, 0, 'a source added 3 hours ago is too young to be silent');
      const [n] = await notices(quiet.id);
      assert.match(n.title, /安静的论坛.*长时间无新内容/);
      assert.match(n.body, /已 13 小时没有新内容；它平常约每 2 小时就有一条/);
      await run('安静的论坛', new Date(t0 + 20 * HOUR));
      assert.equal((await notices(quiet.id)).length, 1, 'not repeated every poll');
      // A new post ends the silence; silent again later is told again.
      stand.answers.set('/quiet.xml', feed([...history, { id: 'n1', at: t0 + 21 * HOUR }]));
      assert.equal((await run('安静的论坛', new Date(t0 + 21.5 * HOUR))).created, 1);
      await run('安静的论坛', new Date(t0 + 40 * HOUR));
      assert.equal((await notices(quiet.id)).length, 2);
      // The list reads it at the real clock: silent for twenty days.
      const h = await healthOf('安静的论坛');
      assert.equal(h.state, 'silent');
      assert.equal(h.typical_gap_ms, 2 * HOUR);
      assert.match(h.reason!, /19 天没有新内容/);
    });
  });
}
