import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { threadId } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../src/errors.ts';
import type { Db } from '../../src/db/connect.ts';
import { CHECKPOINT_EVERY_MS, SERVING_AUTOCHECKPOINT_PAGES, startReadThreads } from '../../src/db/read-thread.ts';
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { dashboard } from '../../src/report/dashboard.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { missingRead, spinRead, writeRead } from '../helpers/slow-read.ts';

/** The serving thread's longest event-loop delay while `work` runs (a 10 ms timer's longest gap). */
async function maxDelayDuring<T>(work: () => Promise<T>): Promise<{ value: T; maxMs: number }> {
  let last = performance.now();
  let maxMs = 0;
  const tick = () => {
    const now = performance.now();
    maxMs = Math.max(maxMs, now - last - 10);
    last = now;
  };
  const timer = setInterval(tick, 10);
  try {
    const value = await work();
    await sleep(30);
    return { value, maxMs };
  } finally {
    clearInterval(timer);
  }
}

// Issue 23: heavy reads run on read threads with their own connections, never holding the thread that serves requests.
for (const kind of testDatabases) {
  describe(`read threads (${kind.kind})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let office: ApiClient;

    before(async () => {
      ({ db, drop } = await kind.create());
      await seedOrg(db);
      server = await startTestServer(db);
      office = new ApiClient(server.url);
      await office.login('office1', PASSWORD);
      // figures made inline, before the threads exist: the answers through the threads must equal them
      for (let i = 0; i < 3; i++) {
        const res = await office.post('/api/posts', { title: `建设路路灯不亮 ${i}`, text: `建设路的路灯坏了好几天，晚上漆黑一片，希望尽快维修。第${i}次反映。`, url: `http://phone.example/lamp/${i}` });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('inline, a synchronous read holds the serving thread for its length (what the threads prevent)', async () => {
      const { value, maxMs } = await maxDelayDuring(() => spinRead(db.kysely, { ms: 300 }));
      assert.equal(value.threadId, threadId);
      assert.ok(maxMs >= 250, `delay ${maxMs} ms`);
    });

    test('the dashboard, statistics and search answer the same through the threads', async () => {
      const inlineSearch = (await office.get('/api/posts?q=路灯')).body;
      const inlineStats = (await office.get('/api/reports/statistics')).body;
      // the week's hot items are kept by the serving thread: made inline here, reused through the threads
      const inlineDash = await dashboard(db.kysely, {});
      assert.equal(inlineSearch.length, 3);
      assert.equal((await office.get('/api/health')).body.readThreads, null);

      assert.equal(await startReadThreads(db), true);
      const search = await office.get('/api/posts?q=路灯');
      assert.equal(search.status, 200);
      assert.deepEqual(search.body, inlineSearch);
      const stats = await office.get('/api/reports/statistics');
      assert.equal(stats.status, 200);
      assert.deepEqual({ ...stats.body, timeliness: { ...stats.body.timeliness, asOf: null } }, { ...inlineStats, timeliness: { ...inlineStats.timeliness, asOf: null } });
      const dash = await office.get('/api/reports/dashboard');
      assert.equal(dash.status, 200);
      assert.deepEqual({ ...dash.body, generatedAt: null }, { ...inlineDash, generatedAt: null });
      assert.equal(dash.body.today.posts, 3);

      const health = (await office.get('/api/health')).body.readThreads;
      const lanes = Object.fromEntries(health.lanes.map((l: { lane: string; completed: number; running: boolean }) => [l.lane, l]));
      assert.ok(lanes.search.completed >= 1 && lanes.figures.completed >= 1 && lanes.reports.completed >= 1 && lanes.refresh.running, JSON.stringify(health));

      // a post written now is read by the threads' own connections at once
      const res = await office.post('/api/posts', { title: '建设路路灯又不亮了', text: '建设路的路灯昨晚又不亮了，已经是第四次反映，请尽快处理。', url: 'http://phone.example/lamp/9' });
      assert.equal(res.status, 201);
      assert.equal((await office.get('/api/posts?q=路灯')).body.length, 4);
      assert.equal((await office.get('/api/reports/dashboard')).body.today.posts, 4);
    });

    test('a read on a thread leaves the serving thread free, and a slow lane does not hold a quick one', async () => {
      await startReadThreads(db);
      const { value, maxMs } = await maxDelayDuring(() => spinRead(db.kysely, { ms: 1000 }));
      assert.notEqual(value.threadId, threadId);
      // far below the 1,000 ms the read took (a busy machine may delay a timer by some 100 ms)
      assert.ok(maxMs < 400, `delay ${maxMs} ms`);

      const spinning = spinRead(db.kysely, { ms: 1500 });
      const t0 = performance.now();
      const search = await office.get('/api/posts?q=路灯');
      const searchMs = performance.now() - t0;
      assert.equal(search.status, 200);
      assert.ok(searchMs < 1000, `search took ${searchMs} ms while the refresh lane was busy`);
      await spinning;
    });

    test('a post entered while the threads run is prepared on the analysis thread, with the same analysis as inline', async () => {
      await startReadThreads(db);
      const before = (await office.get('/api/health')).body.readThreads.lanes.find((l: { lane: string }) => l.lane === 'analysis').completed;
      const res = await office.post('/api/posts', { title: '建设路路灯不亮 0', text: '建设路的路灯坏了好几天，晚上漆黑一片，希望尽快维修。第0次反映。', url: 'http://phone.example/lamp/again' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const after = (await office.get('/api/health')).body.readThreads.lanes.find((l: { lane: string }) => l.lane === 'analysis').completed;
      assert.equal(after, before + 1);
      const rows = await db.kysely.selectFrom('posts').select(['url', 'analysis', 'segmented', 'sentiment_label', 'topic', 'risk_level']).where('url', 'in', ['http://phone.example/lamp/0', 'http://phone.example/lamp/again']).orderBy('id').execute();
      assert.equal(rows.length, 2);
      const [inline, threaded] = rows.map((r) => ({ ...r, url: null, analysis: (({ event: _e, id: _id, risk, ...a }) => ({ ...a, risk: risk.level }))(JSON.parse(r.analysis!)) }));
      assert.deepEqual(threaded, inline);
    });

    test("a thread's AppError is thrown again as one; a reader refuses writes (SQLite)", async () => {
      await startReadThreads(db);
      await assert.rejects(missingRead(db.kysely, { id: 7 }), (e: unknown) => e instanceof AppError && e.status === 404 && e.code === 'not_found');
      if (kind.kind === 'sqlite') await assert.rejects(writeRead(db.kysely, {}), /readonly|read-only|query_only|attempt to write/i);
    });

    test('SQLite: the refresh thread folds the write-ahead log into the file, not the serving thread\'s commits', { skip: kind.kind !== 'sqlite' }, async () => {
      await startReadThreads(db);
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db.kysely);
      assert.equal(rows[0].wal_autocheckpoint, SERVING_AUTOCHECKPOINT_PAGES);
      const file = db.location;
      await sql`create table ballast (b blob)`.execute(db.kysely);
      const sizeBefore = statSync(file).size;
      // about 2,000 pages: far below the serving connection's own threshold
      for (let i = 0; i < 40; i++) await sql`insert into ballast (b) select randomblob(4000) from (select 1 union all select 2 union all select 3 union all select 4 union all select 5) a, (select 1 union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7 union all select 8 union all select 9 union all select 10) b`.execute(db.kysely);
      const deadline = Date.now() + 5 * CHECKPOINT_EVERY_MS;
      while (statSync(file).size < sizeBefore + 4_000_000 && Date.now() < deadline) await sleep(100);
      assert.ok(statSync(file).size >= sizeBefore + 4_000_000, `database file ${statSync(file).size} bytes, was ${sizeBefore}`);
      await sql`drop table ballast`.execute(db.kysely);
    });
  });
}
