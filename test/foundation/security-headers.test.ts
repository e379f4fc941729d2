import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { buildApp } from '../../src/server/app.ts';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../src/server/security-headers.ts';
import { WEB_DIST } from '../../src/server/static.ts';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient } from '../helpers/server.ts';

/** Every kind of answer the server gives carries the same security headers. */
describe('security headers', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let app: FastifyInstance;
  let base: string;
  let asset: string;

  before(async () => {
    // The console must be built for the static-asset and HTML cases (the server looks once, at start).
    // @ts-expect-error plain ESM script without types
    const { buildConsole } = await import('../../scripts/build-web.mjs');
    await buildConsole({ quiet: true });
    asset = `/assets/${readdirSync(join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js'))}`;
    ({ db, drop } = await testDatabases[0].create());
    await seedOrg(db);
    const ctx = createContext(db, loadConfig({ ...process.env, MINSHENG_SECRET: 'headers-test' }), createLogger('silent'));
    app = await buildApp(ctx);
    app.get('/api/test-only/boom', async () => {
      throw new Error('an unexpected failure');
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await drop();
  });

  const expectHeaders = (what: string, headers: Headers) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(headers.get(name), value, `${what}: ${name}`);
  };

  test('the policy itself: no inline or eval script, no framing, no plugins', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'self'"]);
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.equal(SECURITY_HEADERS['x-frame-options'], 'DENY');
    assert.equal(SECURITY_HEADERS['x-content-type-options'], 'nosniff');
    assert.ok(['no-referrer', 'same-origin'].includes(SECURITY_HEADERS['referrer-policy']));
    assert.match(SECURITY_HEADERS['permissions-policy'], /camera=\(\).*microphone=\(\)/);
  });

  test('HTML, JSON, static files, not-found and errors all carry them', async () => {
    const cases: [string, string, RequestInit, number, RegExp][] = [
      ['console index', '/', {}, 200, /text\/html/],
      ['console route (history fallback)', '/dashboard', {}, 200, /text\/html/],
      ['static asset', asset, {}, 200, /javascript/],
      ['JSON API', '/api/health', {}, 200, /application\/json/],
      ['OpenAPI document', '/api/openapi.json', {}, 200, /application\/json/],
      ['API not found', '/api/no-such-thing', {}, 404, /application\/json/],
      ['not found, not GET', '/no-such-page', { method: 'DELETE' }, 404, /application\/json/],
      ['unauthenticated', '/api/posts', {}, 401, /application\/json/],
      ['unparsable body', '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, 400, /application\/json/],
      ['validation error', '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 400, /application\/json/],
      ['unexpected error', '/api/test-only/boom', {}, 500, /application\/json/],
      ['HTML page of the API (ack link)', '/api/alerts/1/ack-link?exp=1&sig=x', {}, 403, /text\/html/],
    ];
    for (const [what, path, init, status, type] of cases) {
      const res = await fetch(base + path, init);
      await res.arrayBuffer();
      assert.equal(res.status, status, what);
      assert.match(res.headers.get('content-type') ?? '', type, what);
      expectHeaders(what, res.headers);
    }
  });

  test('a file answer (the workspace YAML) and a route that writes the raw response itself (the live event stream) carry them too', async () => {
    const c = new ApiClient(base);
    assert.equal((await c.login('office1', PASSWORD)).status, 200);
    const file = await fetch(`${base}/api/workspace`, { headers: { cookie: c.cookie } });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-type') ?? '', /yaml/);
    await file.text();
    expectHeaders('file', file.headers);
    const stop = new AbortController();
    const res = await fetch(`${base}/api/alerts/stream`, { headers: { cookie: c.cookie }, signal: stop.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    expectHeaders('event stream', res.headers);
    stop.abort();
    await res.body?.cancel().catch(() => undefined);
  });
});
