import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { retrainIdle } from '../../src/analyze/learn/train.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

async function insertPost(db: Db, title: string, text: string, departmentId: number | null): Promise<number> {
  const k = db.kysely;
  let source = await k.selectFrom('sources').select('id').where('name', '=', 'board').executeTakeFirst();
  const now = nowIso();
  if (!source) source = await k.insertInto('sources').values({ name: 'board', kind: 'manual', created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
  const row = await k
    .insertInto('posts')
    .values({ source_id: source.id, dedup_key: `${title}-${Math.random()}`, title, text, fetched_at: now, updated_at: now, department_id: departmentId } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const tdb of testDatabases) {
  describe(`post corrections through the API [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let deps: Record<string, number>;
    const login = async (username: string) => {
      const c = new ApiClient(server.url);
      assert.equal((await c.login(username, PASSWORD)).status, 200);
      return c;
    };
    before(async () => {
      ({ db, drop } = await tdb.create());
      deps = await seedOrg(db);
      server = await startTestServer(db);
    });
    after(async () => {
      await server.close();
      await retrainIdle(db.kysely);
      await drop();
    });

    test('a responder corrects a post of their department in one call; the post shows it and the label is stored and audited', async () => {
      const postId = await insertPost(db, '电梯', '某某花园的电梯坏了一个月', deps.jsk);
      const resp = await login('resp_js');
      const res = await resp.post(`/api/posts/${postId}/labels`, { sentiment: 'negative', topic: '城乡建设/物业管理', department: 'zfk' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(typeof res.body.labelId, 'number');
      const post = await db.kysely.selectFrom('posts').select(['sentiment_label', 'topic', 'department_id']).where('id', '=', postId).executeTakeFirstOrThrow();
      assert.deepEqual(post, { sentiment_label: 'negative', topic: '城乡建设/物业管理', department_id: deps.zfk });
      // The workspace was on the default taxonomy: a correction in the console keeps it.
      const paths = (await db.kysely.selectFrom('taxonomy_topics').select('path').execute()).map((r) => r.path);
      assert.ok(paths.includes('交通运输/公共交通') && paths.includes('城乡建设/物业管理'));
      const labels = await resp.get(`/api/posts/${postId}/labels`);
      assert.equal(labels.status, 403, 'the post now belongs to 住房保障科, which this responder does not see');
      const office = await login('office1');
      const history = await office.get(`/api/posts/${postId}/labels`);
      assert.equal(history.status, 200);
      assert.equal(history.body[0].sentiment, 'negative');
      assert.equal(history.body[0].origin, 'ui');
      assert.equal(history.body[0].department, 'zfk');
      const audit = await db.kysely.selectFrom('audit_log').select(['actor_name', 'action', 'entity_id']).where('action', '=', 'labels.learn').execute();
      assert.ok(audit.some((a) => a.entity_id === String(res.body.labelId)));
    });

    test('permissions: not logged in 401, a leader may not label, a responder may not label another department\'s post, CSRF is required', async () => {
      const postId = await insertPost(db, '噪音', '工地夜间施工', deps.jsk);
      const anon = new ApiClient(server.url);
      assert.equal((await anon.post(`/api/posts/${postId}/labels`, { sentiment: 'negative' })).status, 401);
      const leader = await login('leader1');
      assert.equal((await leader.post(`/api/posts/${postId}/labels`, { sentiment: 'negative' })).status, 403);
      const other = await login('resp_zf');
      assert.equal((await other.post(`/api/posts/${postId}/labels`, { sentiment: 'negative' })).status, 403);
      const own = await login('resp_js');
      assert.equal((await own.post(`/api/posts/${postId}/labels`, { sentiment: 'negative' }, { csrf: false })).status, 403);
      const labels = await db.kysely.selectFrom('labels').select('id').where('post_id', '=', postId).execute();
      assert.equal(labels.length, 0);
    });

    test('bad corrections get a clear 4xx and store nothing', async () => {
      const postId = await insertPost(db, '路灯', '路灯不亮', null);
      const office = await login('office1');
      const bad = await office.post(`/api/posts/${postId}/labels`, { sentiment: 'angry' });
      assert.equal(bad.status, 400);
      const unknownDep = await office.post(`/api/posts/${postId}/labels`, { department: 'nope' });
      assert.equal(unknownDep.status, 400);
      assert.match(JSON.stringify(unknownDep.body), /部门“nope”不存在/);
      assert.equal((await office.post(`/api/posts/${postId}/labels`, {})).status, 400);
      assert.equal((await office.post(`/api/posts/${postId}/labels`, { sentiment: 'neutral', extra: 1 })).status, 400);
      assert.equal((await office.post('/api/posts/999999/labels', { sentiment: 'neutral' })).status, 404);
      const labels = await db.kysely.selectFrom('labels').select('id').where('post_id', '=', postId).execute();
      assert.equal(labels.length, 0);
    });

    test('corrections are learned in the background; models are listed; the office can retrain on demand', async () => {
      const office = await login('office1');
      const texts: [string, string][] = [
        ['蓝鲸计划又拖了', 'negative'], ['蓝鲸计划一拖再拖', 'negative'], ['白鸽行动办得好', 'positive'], ['白鸽行动帮了大忙', 'positive'], ['明天下午开会', 'neutral'],
      ];
      for (const [text, sentiment] of texts) {
        const id = await insertPost(db, '', text, null);
        assert.equal((await office.post(`/api/posts/${id}/labels`, { sentiment })).status, 201);
      }
      await retrainIdle(db.kysely);
      const models = await office.get('/api/models');
      assert.equal(models.status, 200);
      const sentiment = models.body.find((m: { name: string }) => m.name === 'sentiment');
      assert.ok(sentiment, JSON.stringify(models.body));
      assert.deepEqual(sentiment.classes, ['negative', 'neutral', 'positive']);
      assert.equal(sentiment.externalLexicon, true);
      const resp = await login('resp_js');
      assert.equal((await resp.post('/api/models/retrain', {})).status, 403);
      const retrain = await office.post('/api/models/retrain', {});
      assert.equal(retrain.status, 200);
      assert.ok(retrain.body.some((r: { name: string; trained: boolean }) => r.name === 'sentiment' && r.trained));
    });
  });
}
