import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startDemo } from '../../src/demo/run.ts';
import { DEMO_PASSWORD } from '../../src/demo/workspace.ts';
import { createLogger } from '../../src/log.ts';
import { freshDatabaseUrl, testDatabases } from '../helpers/db.ts';
import { ApiClient } from '../helpers/server.ts';

for (const { kind } of testDatabases) {
  describe(`demo (${kind})`, () => {
    test('the demo collects from its own sites offline, alerts in-app and shows cases in every state', { timeout: 180_000 }, async () => {
      const fresh = await freshDatabaseUrl(kind);
      const demo = await startDemo({ dbUrl: fresh.url, config: loadConfig({ ...process.env, PORT: '0' }), log: createLogger(process.env.DEMO_TEST_LOG ?? 'silent', { stderr: true }), port: 0, host: '127.0.0.1', seedTimeoutMs: 150_000 });
      try {
        assert.match(demo.sites.url, /^http:\/\/127\.0\.0\.1:/, 'demo sites are on loopback only');
        const seeded = await demo.seeded;
        assert.ok(seeded >= 9, `cases seeded: ${seeded}`);
        const api = new ApiClient(demo.server.url.replace('localhost', '127.0.0.1'));
        assert.equal((await api.login('wangfang', DEMO_PASSWORD)).status, 200, 'printed demo password works');

        const sources = (await api.get('/api/sources')).body as { name: string; posts: number; error_streak: number }[];
        for (const name of ['清溪论坛·民生热线', '县住建局公众留言', '清溪新闻网·民生']) {
          const s = sources.find((x) => x.name === name);
          assert.ok(s && s.posts > 0 && s.error_streak === 0, `${name} collected: ${JSON.stringify(s)}`);
        }
        // The demo county has watched its sites for a week: what they show is news, never the 旧帖 of a new source.
        const posts = (await api.get('/api/posts?limit=200')).body as { standing: string | null }[];
        assert.ok(posts.length > 0);
        assert.deepEqual(posts.filter((p) => p.standing === 'old'), [], 'no demo post is stored as old');
        const ledger = (await api.get('/api/cases?limit=100')).body as { items: { state: string }[] };
        const states = new Set(ledger.items.map((c) => c.state));
        for (const s of ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'replied', 'following_up', 'closed', 'escalated']) assert.ok(states.has(s), `a case in state ${s}`);
        const alerts = (await api.get('/api/alerts?limit=50')).body as { channel_kind: string }[];
        assert.ok(alerts.some((a) => a.channel_kind === 'inapp'), 'alerts go to the in-app channel');

        const leader = new ApiClient(api.base);
        await leader.login('chenju', DEMO_PASSWORD);
        const memos = (await leader.get('/api/memos')).body as { instructions: unknown[] }[];
        assert.ok(memos.some((m) => m.instructions.length === 0), 'a memo waits for the leader');
        const head = new ApiClient(api.base);
        await head.login('zhaojianguo', DEMO_PASSWORD);
        const awaiting = (await head.get('/api/cases?state=awaiting_approval')).body as { items: unknown[] };
        assert.ok(awaiting.items.length >= 1, 'the head has a reply to approve');
      } finally {
        await demo.close();
        await fresh.drop();
      }
    });
  });
}
