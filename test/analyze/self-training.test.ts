import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { createLanguageAnalyzer, loadLanguageAnalyzer } from '../../src/analyze/language.ts';
import { learnExamples } from '../../src/analyze/learn/labels.ts';
import { predict } from '../../src/analyze/learn/linear.ts';
import { trainModel } from '../../src/analyze/learn/train.ts';
import { normalizePost } from '../../src/analyze/text/normalize.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { testDatabases } from '../helpers/db.ts';

// Invented topics. The labels never mention 湿地 or 候鸟; the workspace's posts speak of them
// together with the reed-bed words, which is what self-training can learn from.
const LABELS = [
  ...['河边芦苇被人烧了', '芦苇荡起火冒烟', '有人在河边割芦苇', '芦苇丛里堆满了垃圾', '河滩芦苇越来越少'].map((text) => ({ text, topic: '河道管理' })),
  ...['奶茶店音响太吵', '奶茶店门口排长队堵路', '奶茶店半夜还在营业', '奶茶店的招牌挡住窗户', '奶茶店油烟很大'].map((text) => ({ text, topic: '商铺管理' })),
];
const POSTS = ['芦苇荡里的湿地来了很多候鸟', '河边芦苇和湿地要保护好候鸟', '湿地芦苇丛是候鸟过冬的地方', '芦苇湿地的候鸟越来越多', '河边湿地芦苇长得很好，候鸟成群'];
const PROBE = '湿地候鸟';

async function addPosts(db: Db, texts: string[]): Promise<void> {
  const k = db.kysely;
  const now = nowIso();
  const source = await k
    .insertInto('sources')
    .values({ name: 'self-training-board', kind: 'manual', url: null, department_id: null, created_at: now, updated_at: now } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [i, text] of texts.entries()) {
    await k.insertInto('posts').values({ source_id: source.id, dedup_key: `st-${i}`, title: '', text, fetched_at: now, updated_at: now } as never).execute();
  }
}

describe('topic self-training over unlabelled posts', () => {
  const taxonomy = [
    { path: '河道管理', keywords: [], department: null },
    { path: '商铺管理', keywords: [], department: null },
  ];
  const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
  const items = LABELS.map((l) => ({ text: l.text, label: l.topic }));
  const probe = (posts: { text: string }[]) => {
    const model = trainModel('topic', base, items, posts);
    assert.ok(model);
    const normalized = normalizePost({ text: PROBE });
    const pr = predict(model, base.features(normalized, base.segmenter.cut(normalized)));
    return pr.probs[model.classes.indexOf('河道管理')];
  };

  test('words met only in posts are learned from the posts that clearly belong to a topic', () => {
    assert.equal(probe([]), 0.5, 'without posts the probe says nothing either way');
    assert.ok(probe(POSTS.map((text) => ({ text }))) > 0.9);
  });

  test('posts that belong to no topic clearly, or are empty, change nothing', () => {
    const unclear = ['湿地候鸟', '候鸟飞过湿地', '今天去看湿地候鸟', '', '   '].map((text) => ({ text }));
    assert.equal(probe(unclear), 0.5);
  });
});

for (const tdb of testDatabases) {
  describe(`topic self-training in a workspace [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
    });
    after(async () => {
      await db.close();
      await drop();
    });

    test("learning topics uses the workspace's own posts", async () => {
      await learnExamples(db.kysely, cliActor(), LABELS, 'cli');
      assert.notEqual((await loadLanguageAnalyzer(db.kysely)).analyze({ text: PROBE }).topic, '河道管理');
      await addPosts(db, POSTS);
      await learnExamples(db.kysely, cliActor(), [{ text: '芦苇被挖走了', topic: '河道管理' }], 'cli');
      const r = (await loadLanguageAnalyzer(db.kysely)).analyze({ text: PROBE });
      assert.equal(r.topic, '河道管理');
    });
  });
}
