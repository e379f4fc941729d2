import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { testDatabases } from '../helpers/db.ts';
import type { Db } from '../../src/db/connect.ts';

/** Issue 23: /api/health carries the stall detector, so that an operator (and the benchmarks) see a blocked event loop. */
describe('health: the event-loop stall detector', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let server: TestServer;
  let api: ApiClient;

  before(async () => {
    const made = await testDatabases[0].create();
    db = made.db;
    drop = made.drop;
    server = await startTestServer(db);
    api = new ApiClient(server.url);
  });
  after(async () => {
    await server.close();
    await drop();
  });

  test('a synchronous block of this process shows as a stall of about its length', async () => {
    const before = (await api.get('/api/health')).body.eventLoop;
    assert.equal(typeof before.delayP99Ms, 'number');
    assert.equal(before.stallThresholdMs, 100);
    await sleep(60);
    const start = performance.now();
    while (performance.now() - start < 350);
    await sleep(60);
    const res = await api.get('/api/health');
    assert.equal(res.status, 200);
    const loop = res.body.eventLoop;
    assert.ok(loop.stallsTotal >= before.stallsTotal + 1, JSON.stringify(loop));
    assert.ok(loop.longestStallMs >= 300, JSON.stringify(loop));
    assert.ok(loop.stalls >= 1 && loop.delayMaxMs >= 300, JSON.stringify(loop));
  });
});
