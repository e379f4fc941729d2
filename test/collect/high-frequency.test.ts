import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { recordSuccess } from '../../src/collect/health.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

// Issue 23: a source the office marks 高频 is checked every 10–59 s; every other source keeps the one-minute minimum.
for (const kind of testDatabases) {
  describe(`high-frequency sources (${kind.kind})`, () => {
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
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('below a minute only when marked 高频, only for polled sources, at most three per host', async () => {
      const slow = await office.post('/api/sources', { name: '县论坛', kind: 'feed', url: 'https://bbs.county.example/forum.php?mod=rss', interval_seconds: 10 });
      assert.equal(slow.status, 400);
      assert.match(slow.body.error.message, /不能少于 60 秒.*高频.*10 秒/);

      const fast = await office.post('/api/sources', { name: '县论坛', kind: 'feed', url: 'https://bbs.county.example/forum.php?mod=rss', interval_seconds: 10, high_frequency: true });
      assert.equal(fast.status, 201, JSON.stringify(fast.body));
      assert.equal(fast.body.high_frequency, 1);
      assert.equal(fast.body.interval_seconds, 10);

      assert.equal((await office.post('/api/sources', { name: '太快', kind: 'feed', url: 'https://a.example/rss', interval_seconds: 9, high_frequency: true })).status, 400);
      const push = await office.post('/api/sources', { name: '推送', kind: 'push', interval_seconds: 10, high_frequency: true });
      assert.equal(push.status, 400);
      assert.match(push.body.error.message, /不能标为高频/);

      for (const n of [2, 3]) {
        const res = await office.post('/api/sources', { name: `县论坛${n}`, kind: 'html', url: `https://BBS.county.example/board-${n}`, config: { preset: 'discuz' }, interval_seconds: 15, high_frequency: true });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const fourth = await office.post('/api/sources', { name: '县论坛4', kind: 'feed', url: 'https://bbs.county.example/other', interval_seconds: 30, high_frequency: true });
      assert.equal(fourth.status, 400);
      assert.match(fourth.body.error.message, /已有 3 个高频信息源/);
      // the same host without 高频 is a source like any other
      const plain = await office.post('/api/sources', { name: '县论坛4', kind: 'feed', url: 'https://bbs.county.example/other' });
      assert.equal(plain.status, 201, JSON.stringify(plain.body));

      // unmarking keeps the interval rule: 10 s without 高频 is refused, 60 s is fine
      assert.equal((await office.patch(`/api/sources/${fast.body.id}`, { high_frequency: false })).status, 400);
      const unmarked = await office.patch(`/api/sources/${fast.body.id}`, { high_frequency: false, interval_seconds: 60 });
      assert.equal(unmarked.status, 200, JSON.stringify(unmarked.body));
      assert.equal(unmarked.body.high_frequency, 0);
      // a shorter interval takes effect at once
      await db.kysely.updateTable('sources').set({ next_check_at: new Date(Date.now() + 3_600_000).toISOString() }).where('id', '=', fast.body.id).execute();
      const again = await office.patch(`/api/sources/${fast.body.id}`, { high_frequency: true, interval_seconds: 10 });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.next_check_at, null);
    });

    test('a 高频 source is due again within its interval after a run, never later', async () => {
      const row = await db.kysely.selectFrom('sources').selectAll().where('name', '=', '县论坛').executeTakeFirstOrThrow();
      assert.equal(row.high_frequency, 1);
      const now = new Date();
      await recordSuccess(db.kysely, row, now, { etag: null, lastModified: null });
      const next = Date.parse((await db.kysely.selectFrom('sources').select('next_check_at').where('id', '=', row.id).executeTakeFirstOrThrow()).next_check_at!);
      // never later than its interval (other sources: ±10 %)
      assert.ok(next - now.getTime() >= 9_000 && next - now.getTime() <= 10_000, String(next - now.getTime()));
      for (let i = 0; i < 50; i++) {
        await recordSuccess(db.kysely, row, now, { etag: null, lastModified: null });
        const at = Date.parse((await db.kysely.selectFrom('sources').select('next_check_at').where('id', '=', row.id).executeTakeFirstOrThrow()).next_check_at!);
        assert.ok(at - now.getTime() <= 10_000, String(at - now.getTime()));
      }
    });

    test('workspace files: high_frequency with an interval in seconds, refused without it, exported back', async () => {
      const bad = `sources:\n  - { name: 留言板, kind: feed, url: "https://board.example/rss", interval: 20s }\n`;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad), /between 1 minute and 7 days/);
      await applyWorkspace(db.kysely, cliActor(), `sources:\n  - { name: 留言板, kind: feed, url: "https://board.example/rss", interval: 20s, high_frequency: true }\n`);
      const row = await db.kysely.selectFrom('sources').select(['interval_seconds', 'high_frequency']).where('name', '=', '留言板').executeTakeFirstOrThrow();
      assert.deepEqual(row, { interval_seconds: 20, high_frequency: 1 });
      const exported = await exportWorkspace(db.kysely);
      assert.match(exported, /name: 留言板[\s\S]*?interval: 20[\s\S]*?high_frequency: true/);
      // applying the export changes nothing
      const res = await applyWorkspace(db.kysely, cliActor(), exported);
      assert.equal(res.sections.sources?.updated ?? 0, 0, JSON.stringify(res));
    });
  });
}
