import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliActor } from '../../src/auth/actor.ts';
import { correctPost, learnExamples } from '../../src/analyze/learn/labels.ts';
import { queueRetrain, retrainJob, runRetrainJob } from '../../src/analyze/learn/retrain-job.ts';
import { retrainIdle } from '../../src/analyze/learn/train.ts';
import type { ModelName } from '../../src/analyze/vocabulary.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { jobDefinitions } from '../../src/jobs/definitions.ts';
import { PgBossQueue } from '../../src/jobs/pgboss-queue.ts';
import { takePayload } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/log.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const admin = cliActor();
const EXAMPLES = [
  ...['蓝鲸计划又拖了', '蓝鲸计划一拖再拖', '蓝鲸计划让人头疼'].map((text) => ({ text, sentiment: 'negative' as const })),
  ...['白鸽行动办得好', '点赞白鸽行动', '感谢白鸽行动'].map((text) => ({ text, sentiment: 'positive' as const })),
  ...['下午三点开会', '明天报名截止', '请带身份证'].map((text) => ({ text, sentiment: 'neutral' as const })),
];

async function modelVersion(db: Db, name: ModelName = 'sentiment'): Promise<number> {
  const row = await db.kysely.selectFrom('models').select('version').where('name', '=', name).executeTakeFirst();
  return row?.version ?? 0;
}

async function addPost(db: Db, text: string): Promise<number> {
  const now = nowIso();
  const source = await db.kysely.insertInto('sources').values({ name: `board-${Math.random()}`, kind: 'manual', url: null, created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
  const row = await db.kysely.insertInto('posts').values({ source_id: source.id, dedup_key: `k-${Math.random()}`, title: '', text, fetched_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

for (const tdb of testDatabases) {
  describe(`retraining as a job [${tdb.kind}]`, () => {
    let db: Db;
    let url: string;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, url, drop } = await tdb.create());
      await seedOrg(db);
    });
    after(async () => drop());

    test('a retrain request runs once: a later request for labels already covered is skipped, a newer label retrains again', async () => {
      const first = await learnExamples(db.kysely, admin, EXAMPLES, 'cli', { retrain: 'none' });
      const through = Math.max(...first.labelIds);
      assert.equal(await modelVersion(db), 0, 'nothing trained yet');
      const ran = await runRetrainJob(db.kysely, { models: ['sentiment'], throughLabelId: through });
      assert.deepEqual(ran.map((r) => [r.name, r.trained]), [['sentiment', true]]);
      const v1 = await modelVersion(db);
      assert.ok(v1 >= 1);
      assert.deepEqual(await runRetrainJob(db.kysely, { models: ['sentiment'], throughLabelId: through }), [], 'covered: skipped');
      assert.equal(await modelVersion(db), v1);
      // A topic request for the same labels is not covered by the sentiment retraining.
      assert.deepEqual((await runRetrainJob(db.kysely, takePayload(retrainJob, { models: ['topic', 'bogus'], throughLabelId: through }))).map((r) => r.name), ['topic']);
      const more = await learnExamples(db.kysely, admin, [{ text: '蓝鲸计划太差劲', sentiment: 'negative' }], 'cli', { retrain: 'none' });
      await runRetrainJob(db.kysely, { models: ['sentiment'], throughLabelId: more.labelIds[0] });
      assert.equal(await modelVersion(db), v1 + 1, 'the newer label is learned');
    });

    test('a correction in the console asks the queue to retrain instead of retraining in the web process', async () => {
      const postId = await addPost(db, '蓝鲸计划的事');
      const requests: { names: string[]; through: number }[] = [];
      const before = await modelVersion(db);
      const res = await correctPost(db.kysely, admin, postId, { sentiment: 'negative' }, async (names, through) => void requests.push({ names, through }));
      await retrainIdle(db.kysely);
      assert.deepEqual(requests, [{ names: ['sentiment'], through: res.labelId }]);
      assert.equal(await modelVersion(db), before, 'no retraining in this process');
      const post = await db.kysely.selectFrom('posts').select('sentiment_label').where('id', '=', postId).executeTakeFirstOrThrow();
      assert.equal(post.sentiment_label, 'negative', 'the post itself is corrected at once');
    });

    if (tdb.kind === 'postgres') {
      test('serve --no-jobs sends the retraining through pg-boss and a worker runs it', async () => {
        const log = createLogger('silent');
        const worker = new PgBossQueue(url, log);
        const web = new PgBossQueue(url, log);
        await worker.start();
        await web.start();
        try {
          const def = jobDefinitions.find((d) => d.job === retrainJob);
          assert.ok(def, 'the retrain job is defined');
          const ctx = { db, log, config: {} } as never;
          await worker.work(retrainJob, (data) => def.run(ctx, data), { concurrency: 1, retryLimit: def.retryLimit });
          const before = await modelVersion(db);
          const postId = await addPost(db, '白鸽行动的事');
          await correctPost(db.kysely, admin, postId, { sentiment: 'positive' }, queueRetrain(web));
          const end = Date.now() + 30_000;
          while ((await modelVersion(db)) === before && Date.now() < end) await sleep(200);
          assert.equal(await modelVersion(db), before + 1, 'the worker retrained once');
        } finally {
          await web.stop();
          await worker.stop();
        }
      });
    }
  });
}
