import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CollectError } from '../../src/collect/types.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';
import { REFUSED_HOSTS, watchConnections } from '../helpers/connections.ts';
import { testFetcher } from './helpers.ts';

describe('the shared fetcher', () => {
  let site: FakeSite;
  before(async () => {
    site = await startFakeSite();
  });
  after(async () => site.close());

  test('robots.txt disallowing a path is honoured, once fetched per site', async () => {
    const f = testFetcher();
    await assert.rejects(f.fetch(`${site.url}/private/feed.xml`), (e: unknown) => e instanceof CollectError && e.kind === 'robots' && /robots\.txt .* disallows \/private\/feed\.xml/.test(e.message));
    const ok = await f.fetch(`${site.url}/rss092.xml`);
    assert.equal(ok.status, 200);
    assert.equal(site.hits.get('/robots.txt'), 1);
    assert.equal(site.hits.get('/private/feed.xml') ?? 0, 0);
    await f.close();
  });

  test('conditional GET: a matching ETag gets 304 and no body', async () => {
    const f = testFetcher();
    const first = await f.fetch(`${site.url}/etag.xml`);
    assert.equal(first.etag, '"v1"');
    const second = await f.fetch(`${site.url}/etag.xml`, { etag: first.etag });
    assert.equal(second.notModified, true);
    assert.equal(second.bytes.length, 0);
    await f.close();
  });

  test('429 with Retry-After is reported with the wait', async () => {
    const f = testFetcher();
    await assert.rejects(f.fetch(`${site.url}/limited.xml`), (e: unknown) => e instanceof CollectError && e.retryAfterSeconds === 120 && /HTTP 429/.test(e.message));
    await f.close();
  });

  test('a timeout and a too-large body are readable errors', async () => {
    const f = testFetcher({ timeoutMs: 300, maxBytes: 1024 * 1024 });
    await assert.rejects(f.fetch(`${site.url}/slow.xml`), /timed out after/);
    await assert.rejects(f.fetch(`${site.url}/huge.xml`), /too large/);
    await f.close();
  });

  test('loopback is refused unless the administrator allows it (everywhere, or the host or network)', async () => {
    const f = testFetcher({ allowPrivate: false });
    await assert.rejects(f.fetch(`${site.url}/rss092.xml`), (e: unknown) => e instanceof CollectError && e.kind === 'blocked' && /private or loopback/.test(e.message));
    await assert.rejects(f.fetch(`${site.url.replace('127.0.0.1', 'localhost')}/rss092.xml`), /private or loopback/);
    await f.close();
    const byNet = testFetcher({ allowPrivate: false, allowHosts: '127.0.0.0/8' });
    assert.equal((await byNet.fetch(`${site.url}/rss092.xml`)).status, 200);
    await byNet.close();
    const byHost = testFetcher({ allowPrivate: false, allowHosts: 'localhost' });
    assert.equal((await byHost.fetch(`${site.url.replace('127.0.0.1', 'localhost')}/rss092.xml`)).status, 200);
    await assert.rejects(byHost.fetch(`${site.url}/rss092.xml`), /private or loopback/);
    await byHost.close();
  });

  test('private, loopback and metadata addresses are refused before connecting, redirects included', async () => {
    const f = testFetcher({ allowPrivate: false });
    const before = site.connections;
    const watch = watchConnections();
    try {
      for (const host of REFUSED_HOSTS) {
        await assert.rejects(
          f.fetch(`${site.url.replace('127.0.0.1', host)}/rss092.xml`),
          (e: unknown) => e instanceof CollectError && e.kind === 'blocked' && /^refused to connect to /.test(e.message),
          host,
        );
      }
      assert.deepEqual(watch.attempts.filter((h) => h !== 'localhost'), []);
      assert.equal(site.connections, before);
    } finally {
      watch.restore();
      await f.close();
    }
    // A public page redirecting into the intranet: every hop is checked (here the allowed host redirects to a refused one).
    const hop = testFetcher({ allowPrivate: false, allowHosts: 'localhost' });
    try {
      await assert.rejects(hop.fetch(`${site.url.replace('127.0.0.1', 'localhost')}/redirect-to?to=${encodeURIComponent(`${site.url}/redirect-target.xml`)}`), (e: unknown) => e instanceof CollectError && e.kind === 'blocked');
      assert.equal(site.hits.get('/redirect-to'), 1);
      assert.equal(site.hits.get('/redirect-target.xml') ?? 0, 0);
    } finally {
      await hop.close();
    }
  });

  test('non-http URLs and 404s are clear errors', async () => {
    const f = testFetcher();
    await assert.rejects(f.fetch('file:///etc/passwd'), /only http and https/);
    await assert.rejects(f.fetch(`${site.url}/nothing-here`), /HTTP 404/);
    await f.close();
  });
});

describe('fetch failures people read in Chinese (English stays in the message for logs)', () => {
  test('refused, timed out, login wall, blocked, missing, server error, TLS: each a zh-CN userMessage saying what to do', async () => {
    const { createServer } = await import('node:http');
    const { createServer: createTls } = await import('node:net');
    const answers: Record<string, number> = { '/login.xml': 401, '/blocked.xml': 403, '/gone.xml': 404, '/broken.xml': 502 };
    const server = createServer((req, res) => {
      if (req.url === '/robots.txt') return void res.writeHead(404).end();
      if (req.url === '/hang.xml') return; // never answers
      res.writeHead(answers[req.url ?? ''] ?? 200).end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // A plain TCP server that answers a TLS handshake with garbage: the certificate cannot be checked.
    const notTls = createTls((sock) => sock.end('HTTP/1.1 200 OK\r\n\r\n'));
    await new Promise<void>((r) => notTls.listen(0, '127.0.0.1', r));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const f = testFetcher({ timeoutMs: 300 });
    const failure = async (url: string) => {
      try {
        await f.fetch(url);
      } catch (e) {
        assert.ok(e instanceof CollectError, String(e));
        return { en: e.message, zh: e.userMessage };
      }
      assert.fail(`${url} did not fail`);
    };
    try {
      const refused = await failure(`http://127.0.0.1:${closedPort}/feed.xml`);
      assert.match(refused.en, /connection refused/);
      assert.match(refused.zh, /^127\.0\.0\.1:\d+ 拒绝连接：.*RSSHub/);
      assert.match((await failure(`${base}/hang.xml`)).zh, /^连接 127\.0\.0\.1:\d+ 超时（0\.3 秒内没有响应）/);
      assert.match((await failure(`${base}/login.xml`)).zh, /要求登录（HTTP 401）：登录信息或 Cookie 可能已过期/);
      assert.match((await failure(`${base}/blocked.xml`)).zh, /拒绝访问（HTTP 403）：可能被对方的反爬措施拦截/);
      assert.match((await failure(`${base}/gone.xml`)).zh, /找不到该页面（HTTP 404）/);
      assert.match((await failure(`${base}/broken.xml`)).zh, /服务器出错（HTTP 502）/);
      const tls = await failure(`https://127.0.0.1:${(notTls.address() as { port: number }).port}/feed.xml`);
      assert.match(tls.zh, /HTTPS 证书无效|无法连接|拒绝连接|连接被中断/);
      assert.match((await failure('ftp://example.org/x')).zh, /网址“ftp:\/\/example\.org\/x”无效/);
      for (const m of [refused.zh]) assert.doesNotMatch(m.replace(/127\.0\.0\.1:\d+|RSSHub/g, ''), /[A-Za-z]{3,}/, 'no English words besides the address and product names');
    } finally {
      server.closeAllConnections();
      server.close();
      notTls.close();
      await f.close();
    }
  });
});
