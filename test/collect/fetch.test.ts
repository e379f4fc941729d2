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
