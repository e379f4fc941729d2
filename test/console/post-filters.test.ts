import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer } from '../helpers/server.ts';

/** The 信息 page's filters (sentiment, appeal type, emotion, topic with sub-topics, event, matched rule) narrow the list on the server. */
for (const tdb of testDatabases) {
  describe(`posts filters (${tdb.kind})`, () => {
    test('sentiment, topic, event and rule filters return only the matching posts', async () => {
      const { db, drop } = await tdb.create();
      const srv = await startTestServer(db);
      try {
        await seedOrg(db);
        const api = new ApiClient(srv.url);
        await api.login('office1', PASSWORD);
        const ids: number[] = [];
        for (const title of ['建设路施工太慢', '锦绣华庭延期交房', '物业_费 100% 上涨']) {
          const r = await api.post('/api/posts', { title, text: `${title}，请有关部门处理。` });
          assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
          ids.push(r.body.id);
        }
        const set = (id: number, v: Record<string, unknown>) => db.kysely.updateTable('posts').set(v).where('id', '=', id).execute();
        const ev = await db.kysely.insertInto('events').values({ title: 'e', signature: null, topic: null, first_seen_at: '2026-01-01T00:00:00Z', last_seen_at: '2026-01-01T00:00:00Z', post_count: 1, risk_level: 'blue', burst: 0, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' } as never).returning('id').executeTakeFirstOrThrow();
        await set(ids[0], { sentiment_label: 'negative', topic: '城乡建设/道路建设', event_id: ev.id, analysis: JSON.stringify({ rules: [{ rule: '道路施工', hits: [] }] }) });
        await set(ids[1], { sentiment_label: 'negative', topic: '城乡建设/房地产市场/房屋质量', event_id: null, analysis: JSON.stringify({ rules: [{ rule: '延期交房', hits: [] }] }) });
        await set(ids[2], { sentiment_label: 'neutral', topic: '城乡建设/物业管理', event_id: null, analysis: JSON.stringify({ rules: [{ rule: '物业_费%', hits: [] }] }) });
        const list = async (qs: string) => ((await api.get(`/api/posts?${qs}`)).body as { id: number }[]).map((p) => p.id).sort((a, b) => a - b);
        assert.deepEqual(await list('sentiment=negative'), [ids[0], ids[1]]);
        assert.deepEqual(await list('sentiment=neutral'), [ids[2]]);
        assert.deepEqual(await list(`topic=${encodeURIComponent('城乡建设/房地产市场')}`), [ids[1]], 'sub-topics are included');
        assert.deepEqual(await list(`topic=${encodeURIComponent('城乡建设')}`), [...ids].sort((a, b) => a - b));
        assert.deepEqual(await list(`topic=${encodeURIComponent('城乡建设/道路')}`), [], 'a topic is a whole path segment, not a prefix of a word');
        assert.deepEqual(await list(`event_id=${ev.id}`), [ids[0]]);
        assert.deepEqual(await list(`rule=${encodeURIComponent('延期交房')}`), [ids[1]]);
        assert.deepEqual(await list(`rule=${encodeURIComponent('物业_费%')}`), [ids[2]], 'LIKE wildcards in a rule name are literal');
        assert.deepEqual(await list(`rule=${encodeURIComponent('物业')}`), [], 'a rule name matches whole');
        // 诉求类型 and 情绪 (issue 17)
        await set(ids[0], { appeal_label: 'complaint', emotion_label: 'angry' });
        await set(ids[1], { appeal_label: 'complaint', emotion_label: 'sad' });
        await set(ids[2], { appeal_label: 'inquiry', emotion_label: 'neutral' });
        assert.deepEqual(await list('appeal=complaint'), [ids[0], ids[1]]);
        assert.deepEqual(await list('appeal=inquiry'), [ids[2]]);
        assert.deepEqual(await list('appeal=complaint&emotion=sad'), [ids[1]]);
        assert.equal((await api.get('/api/posts?appeal=angry')).status, 400);
        const bad = await api.get('/api/posts?sentiment=angry');
        assert.equal(bad.status, 400);
        assert.match(bad.body.error.message, /提交的内容不符合要求/);
      } finally {
        await srv.close();
        await drop();
      }
    });
  });
}
