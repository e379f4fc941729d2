import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CorrectionMemory, simhashText, textFingerprint, textSimhash, type LabelRecord } from '../../src/analyze/learn/memory.ts';
import { retrainIdle } from '../../src/analyze/learn/train.ts';
import { normalizePost } from '../../src/analyze/text/normalize.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import { testContext } from '../collect/helpers.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Issue 17: a correction takes effect at once — for the corrected post, its exact and near
 * duplicates, and new posts of the same text — with no minimum number of labels, and says whose
 * correction it follows.
 */

// A grievance in polite words that the lexicon alone reads as no complaint at all.
const TEXT = '尊敬的领导您好，新塘街道这次征收，先签约的和后签约的补偿标准不一样，希望政府公开补偿方案，做到公平公正，谢谢！';
// The same message re-posted with other punctuation and spacing, and one edited a little.
const SAME = '尊敬的领导 您好！新塘街道这次征收 先签约的和后签约的补偿标准不一样。希望政府公开补偿方案 做到公平公正 谢谢';
const NEAR = '尊敬的领导您好，新塘街道这次征收，先签约的和后签约的补偿标准不一样，希望政府尽快公开补偿方案，做到公平公正，谢谢！';
const OTHER = '请问新塘街道的社区医院周末开门吗？想带孩子去打疫苗，谢谢。';

const record = (text: string, over: Partial<LabelRecord>): LabelRecord => {
  const n = normalizePost({ text });
  const h = textSimhash(n);
  return { fingerprint: textFingerprint(n), simhash: h ? simhashText(h) : null, correction: true, by: '办公室', at: '2026-12-07T16:30:00.000Z', ...over };
};

describe('the memory of taught texts', () => {
  test('the same text (spaces, punctuation and letter case aside) gets the label, with who taught it and when in the workspace zone', () => {
    const memory = new CorrectionMemory([record(TEXT, { sentiment: 'negative', appeal: 'complaint' })]);
    const hit = memory.lookup(normalizePost({ text: SAME }));
    assert.ok(hit);
    assert.equal(hit.exact, true);
    assert.equal(hit.labels.sentiment, 'negative');
    assert.equal(hit.labels.appeal, 'complaint');
    assert.match(hit.labels.reasons.sentiment!, /办公室于 2026-12-08 00:30 更正/);
    assert.equal(memory.lookup(normalizePost({ text: OTHER })), null);
  });

  test("a corrected post's near-duplicates get its labels; a label learned from a file reaches only its exact text", () => {
    const corrected = new CorrectionMemory([record(TEXT, { sentiment: 'negative' })]);
    const near = corrected.lookup(normalizePost({ text: NEAR }));
    assert.ok(near);
    assert.equal(near.exact, false);
    assert.equal(near.labels.sentiment, 'negative');
    assert.match(near.labels.reasons.sentiment!, /近似重复/);
    const learned = new CorrectionMemory([record(TEXT, { sentiment: 'negative', correction: false })]);
    assert.equal(learned.lookup(normalizePost({ text: NEAR })), null);
    assert.equal(learned.lookup(normalizePost({ text: SAME }))?.labels.sentiment, 'negative');
  });

  test('the latest label of each field wins; a later label of another field keeps the earlier one', () => {
    const memory = new CorrectionMemory([
      record(TEXT, { sentiment: 'positive', emotion: 'happy' }),
      record(TEXT, { sentiment: 'negative', at: '2026-12-07T17:00:00.000Z' }),
      record(TEXT, { appeal: 'complaint', at: '2026-12-07T17:10:00.000Z' }),
    ]);
    const hit = memory.lookup(normalizePost({ text: TEXT }))!;
    assert.deepEqual([hit.labels.sentiment, hit.labels.emotion, hit.labels.appeal], ['negative', 'happy', 'complaint']);
    assert.match(hit.labels.reasons.sentiment!, /01:00/);
  });

  test('short texts are matched exactly only', () => {
    const memory = new CorrectionMemory([record('好评', { sentiment: 'positive' })]);
    assert.equal(memory.lookup(normalizePost({ text: '好评！' }))?.labels.sentiment, 'positive');
    assert.equal(memory.lookup(normalizePost({ text: '差评' })), null);
  });
});

async function insertPost(db: Db, text: string): Promise<number> {
  const k = db.kysely;
  let source = await k.selectFrom('sources').select('id').where('name', '=', 'board').executeTakeFirst();
  const now = nowIso();
  if (!source) source = await k.insertInto('sources').values({ name: 'board', kind: 'manual', created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
  const row = await k
    .insertInto('posts')
    .values({ source_id: source.id, dedup_key: `${Math.random()}`, title: '', text, fetched_at: now, updated_at: now, published_at: now } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const tdb of testDatabases) {
  describe(`a correction takes effect at once [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db);
    });
    after(async () => {
      await server.close();
      await retrainIdle(db.kysely);
      await drop();
    });

    test('the first correction reaches the post, its duplicates already stored and a new post of the same text; other posts keep theirs', async () => {
      const ctx = testContext(db);
      const ids = { post: await insertPost(db, TEXT), same: await insertPost(db, SAME), near: await insertPost(db, NEAR), other: await insertPost(db, OTHER) };
      await analyzeStoredPosts(ctx, Object.values(ids));
      const read = async (id: number) => db.kysely.selectFrom('posts').select(['sentiment_label', 'appeal_label', 'emotion_label', 'analysis']).where('id', '=', id).executeTakeFirstOrThrow();
      const otherBefore = await read(ids.other);
      assert.notEqual((await read(ids.same)).emotion_label, 'sad', 'the lexicon does not read the message as sad');

      const office = new ApiClient(server.url);
      assert.equal((await office.login('office1', PASSWORD)).status, 200);
      const res = await office.post(`/api/posts/${ids.post}/labels`, { sentiment: 'negative', emotion: 'sad' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.reach[0], ids.post);
      assert.ok(res.body.reach.includes(ids.same) && res.body.reach.includes(ids.near), JSON.stringify(res.body.reach));
      assert.ok(!res.body.reach.includes(ids.other));

      for (const id of [ids.post, ids.same, ids.near]) {
        const p = await read(id);
        assert.deepEqual([p.sentiment_label, p.emotion_label], ['negative', 'sad'], `post ${id}`);
      }
      const same = JSON.parse((await read(ids.same)).analysis!);
      assert.match(same.sentiment.reasons[0], /更正/);
      assert.equal((await read(ids.other)).emotion_label, otherBefore.emotion_label);

      // one correction trains no model (one class), and still a new post of the same text gets it at once
      const models = await office.get('/api/models');
      assert.equal(models.status, 200);
      assert.equal(models.body.length, 0);
      const later = await insertPost(db, TEXT);
      await analyzeStoredPosts(ctx, [later]);
      assert.deepEqual(Object.values(await read(later)).slice(0, 3), ['negative', (await read(ids.post)).appeal_label, 'sad']);
    });
  });
}
