import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BurstTracker, isBurst } from '../../src/analyze/risk/bursts.ts';
import { MemoryEventLinker } from '../../src/analyze/events/linker.ts';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { composeAnalyzer } from '../../src/analyze/analyzer.ts';
import { contentFeatures, minhash, similarity } from '../../src/analyze/events/minhash.ts';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { insertPost, insertSource, NOISE_MATTER, OTHER_MATTER, SAME_MATTER, testContext } from './helpers.ts';
import { bumpLanguageRevision } from '../../src/analyze/learn/models.ts';
import { nowIso } from '../../src/db/values.ts';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('bursts: the last hour against the twelve before', () => {
  test('needs the minimum count and the factor over the baseline', () => {
    assert.equal(isBurst(5, 0), true);
    assert.equal(isBurst(4, 0), false, 'below the minimum count');
    assert.equal(isBurst(6, 24), true, '6 ≥ 3 × 2/h');
    assert.equal(isBurst(5, 24), false, '5 < 3 × 2/h');
  });

  test('the tracker counts by the posts’ own timestamps', () => {
    const tr = new BurstTracker();
    // one post an hour for twelve hours: a steady baseline of 1/h
    for (let h = 12; h >= 1; h--) assert.equal(tr.observe('e:1', T0 - h * HOUR - 60_000).burst, false);
    let last = { last: 0, previous: 0, burst: false };
    for (let i = 0; i < 3; i++) last = tr.observe('e:1', T0 + i * 60_000);
    assert.deepEqual(last, { last: 3, previous: 12, burst: false });
    for (let i = 3; i < 6; i++) last = tr.observe('e:1', T0 + i * 60_000);
    assert.equal(last.last, 6);
    assert.equal(last.burst, true, '6 in the last hour ≥ 3 × 1/h');
    assert.equal(tr.observe('e:2', T0).burst, false, 'keys are separate');
  });
});

describe('events in memory (stream mode)', () => {
  test('posts about the same matter share an event; an unrelated post starts another', async () => {
    const lang = createLanguageAnalyzer({ userWords: ['幸福花园'], taxonomy: [], models: {} });
    const sig = (text: string) => minhash(contentFeatures(lang.analyze({ text }).tokens));
    const a = sig(SAME_MATTER[0]);
    assert.ok(similarity(a, sig(SAME_MATTER[1])) >= 0.3, 'similar texts are similar');
    assert.ok(similarity(a, sig(OTHER_MATTER)) < 0.1, 'unrelated texts are not');

    const linker = new MemoryEventLinker({ threshold: 0.3, windowHours: 72 });
    const ids = SAME_MATTER.map((text, i) => linker.link({ postKey: `p${i}`, at: iso(T0 + i * 60_000), title: '', text, topic: null, signature: sig(text) })!.eventId);
    assert.deepEqual(new Set(ids), new Set(['p0']), 'all join the first post’s event');
    const other = linker.link({ postKey: 'x', at: iso(T0), title: '', text: OTHER_MATTER, topic: null, signature: sig(OTHER_MATTER) })!;
    assert.equal(other.eventId, 'x');
    assert.equal(other.created, true);
    // outside the time window the same words start a new event
    const late = linker.link({ postKey: 'late', at: iso(T0 + 10 * 24 * HOUR), title: '', text: SAME_MATTER[1], topic: null, signature: sig(SAME_MATTER[1]) })!;
    assert.equal(late.eventId, 'late');
    // memory is bounded by the window: old events are forgotten as the stream moves on
    for (let i = 0; i < 1000; i++) linker.link({ postKey: `n${i}`, at: iso(T0 + 10 * 24 * HOUR + i), title: '', text: `${i}`, topic: null, signature: sig(`编号${i}号工单`) });
    assert.ok(linker.size <= 1002);
  });

  test('posts without a time cannot grow memory without end: the quietest events are forgotten beyond the bound', () => {
    const lang = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
    const sig = (text: string) => minhash(contentFeatures(lang.analyze({ text }).tokens));
    const linker = new MemoryEventLinker({ threshold: 0.3, windowHours: 72 }, 500);
    const first = linker.link({ postKey: 'old', at: '', title: '', text: SAME_MATTER[0], topic: null, signature: sig(SAME_MATTER[0]) })!;
    assert.equal(first.created, true);
    const distinct = (i: number) => minhash([`甲${i}`, `乙${i}`, `丙${i}`, `丁${i}`]);
    let kept = 'recent';
    for (let i = 0; i < 5000; i++) {
      linker.link({ postKey: `n${i}`, at: '', title: '', text: '', topic: null, signature: distinct(i) });
      // one matter stays active throughout: it must survive every clean-up
      if (i % 200 === 0) kept = String(linker.link({ postKey: `r${i}`, at: '', title: '', text: '', topic: null, signature: sig(SAME_MATTER[1]) })!.eventId);
      assert.ok(linker.size <= 500, `at most 500 events in memory, ${linker.size} after ${i}`);
    }
    assert.equal(kept, 'old', 'the active matter kept its event through the clean-ups');
    const late = linker.link({ postKey: 'late', at: '', title: '', text: '', topic: null, signature: sig(SAME_MATTER[2]) })!;
    assert.equal(late.eventId, 'old');
    // a quiet event was forgotten: the same words start a new event
    const again = linker.link({ postKey: 'again', at: '', title: '', text: '', topic: null, signature: distinct(3) })!;
    assert.equal(again.created, true);
  });
});

describe('stream mode analyzer: events and bursts', () => {
  const parts = () => ({
    language: createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} }),
    rules: [],
    periods: [],
    sensitive: null,
    routing: { departments: new Map(), topics: new Map() },
  });

  test('posts with publication times in one hour burst; posts without times never do', () => {
    const timed = composeAnalyzer(parts());
    const results = NOISE_MATTER.map((text, i) => timed.analyze({ id: i, text, published_at: iso(T0 + i * 5 * 60_000) }));
    assert.ok(results.every((r) => r.event === 0), 'one event, keyed by its first post');
    assert.ok(results[5].risk.reasons.some((r) => r.startsWith('所属事件突发：最近 1 小时 6 条')), results[5].risk.reasons.join('|'));
    assert.ok(!results[3].risk.reasons.some((r) => r.includes('突发')));
    const untimed = composeAnalyzer(parts());
    const plain = NOISE_MATTER.map((text, i) => untimed.analyze({ id: i, text }));
    assert.ok(plain.every((r) => r.event === 0));
    assert.ok(plain.every((r) => !r.risk.reasons.some((x) => x.includes('突发'))));
  });
});

for (const tdb of testDatabases) {
  describe(`events of stored posts [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sourceId: number;
    before(async () => {
      ({ db, drop } = await tdb.create());
      sourceId = await insertSource(db, '县论坛');
    });
    after(async () => drop());

    test('similar posts within the window join one event, kept up to date; an unrelated one starts its own', async () => {
      const ctx = testContext(db);
      const a = await insertPost(db, sourceId, { title: '幸福花园交房延期', text: SAME_MATTER[0], published_at: iso(T0 - 30 * HOUR) });
      const b = await insertPost(db, sourceId, { text: SAME_MATTER[1], published_at: iso(T0 - 29 * HOUR) });
      const c = await insertPost(db, sourceId, { text: OTHER_MATTER, published_at: iso(T0 - 29 * HOUR) });
      const out = await analyzeStoredPosts(ctx, [a, b, c]);
      assert.deepEqual(out.map((o) => o.error), [null, null, null]);
      const rows = await db.kysely.selectFrom('posts').select(['id', 'event_id']).where('id', 'in', [a, b, c]).orderBy('id').execute();
      assert.ok(rows[0].event_id);
      assert.equal(rows[1].event_id, rows[0].event_id);
      assert.notEqual(rows[2].event_id, rows[0].event_id);
      const ev = await db.kysely.selectFrom('events').selectAll().where('id', '=', rows[0].event_id!).executeTakeFirstOrThrow();
      assert.equal(ev.post_count, 2);
      // named by place and matter (issue 17, part 6)
      assert.equal(ev.title, '幸福花园 交房延期');
      assert.equal(ev.first_seen_at, iso(T0 - 30 * HOUR));
      assert.equal(ev.last_seen_at, iso(T0 - 29 * HOUR));
      assert.ok(ev.risk_level);
      assert.equal(out[1].result!.event, ev.id);
    });

    test('re-analysing a re-fetched post keeps its one event membership', async () => {
      const ctx = testContext(db);
      const p = await insertPost(db, sourceId, { text: SAME_MATTER[2], published_at: iso(T0 - 28 * HOUR) });
      await analyzeStoredPosts(ctx, [p]);
      const first = await db.kysely.selectFrom('posts').select('event_id').where('id', '=', p).executeTakeFirstOrThrow();
      const count = async () => (await db.kysely.selectFrom('events').select('post_count').where('id', '=', first.event_id!).executeTakeFirstOrThrow()).post_count;
      const before = await count();
      const events = (await db.kysely.selectFrom('events').select('id').execute()).length;
      await analyzeStoredPosts(ctx, [p]);
      await analyzeStoredPosts(ctx, [p]);
      const again = await db.kysely.selectFrom('posts').select('event_id').where('id', '=', p).executeTakeFirstOrThrow();
      assert.equal(again.event_id, first.event_id);
      assert.equal(await count(), before);
      assert.equal((await db.kysely.selectFrom('events').select('id').execute()).length, events);
    });

    test('a burst of posts in the last hour marks the event and adds a reason', async () => {
      const ctx = testContext(db);
      const ids: number[] = [];
      // a new matter: quiet for twelve hours, then six posts within forty minutes
      for (const [i, text] of NOISE_MATTER.entries()) ids.push(await insertPost(db, sourceId, { text, published_at: iso(T0 + i * 8 * 60_000) }));
      const out = await analyzeStoredPosts(ctx, ids);
      const last = out[out.length - 1].result!;
      const eventId = last.event as number;
      assert.ok(out.every((o) => o.result!.event === eventId), 'one event');
      assert.ok(last.risk.reasons.some((r) => r.startsWith('所属事件突发：最近 1 小时 6 条')), last.risk.reasons.join('|'));
      assert.ok(!out[3].result!.risk.reasons.some((r) => r.startsWith('所属事件突发')), 'four posts are not a burst');
      const ev = await db.kysely.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow();
      assert.equal(ev.burst, 1);
      assert.match(ev.burst_reason ?? '', /最近 1 小时 6 条/);
      assert.equal(ev.post_count, 6);
    });

    test('with the estates in the workspace dictionary, the same complaint about two estates is two events', async () => {
      const ctx = testContext(db);
      await db.kysely.insertInto('dictionary_words').values([{ word: '春江花园', kind: 'estate', created_at: nowIso() }, { word: '秋水嘉园', kind: 'estate', created_at: nowIso() }]).execute();
      await bumpLanguageRevision(db.kysely);
      const at = iso(T0 + 5 * 24 * HOUR);
      const a = await insertPost(db, sourceId, { text: SAME_MATTER[0].replace('幸福花园', '春江花园'), published_at: at });
      const b = await insertPost(db, sourceId, { text: SAME_MATTER[4].replace('幸福花园', '春江花园'), published_at: at });
      const c = await insertPost(db, sourceId, { text: SAME_MATTER[4].replace('幸福花园', '秋水嘉园'), published_at: at });
      const out = await analyzeStoredPosts(ctx, [a, b, c]);
      assert.equal(out[1].result!.event, out[0].result!.event);
      assert.notEqual(out[2].result!.event, out[0].result!.event);
    });

    test('a matter at one place stays one event for weeks; outside the matter window it starts a new event', async () => {
      const ctx = testContext(db);
      // 20 days on, the same estate and matter: a matter on a message board runs for weeks (issue 17, part 5)
      const p = await insertPost(db, sourceId, { text: SAME_MATTER[3], published_at: iso(T0 + 20 * 24 * HOUR) });
      const [o] = await analyzeStoredPosts(ctx, [p]);
      const ev = await db.kysely.selectFrom('events').selectAll().where('id', '=', o.result!.event as number).executeTakeFirstOrThrow();
      assert.ok(ev.post_count > 1);
      assert.ok(ev.first_seen_at < iso(T0));
      // beyond 60 days of quiet it is a new event
      const q = await insertPost(db, sourceId, { text: SAME_MATTER[3], published_at: iso(T0 + 90 * 24 * HOUR) });
      const [o2] = await analyzeStoredPosts(ctx, [q]);
      const ev2 = await db.kysely.selectFrom('events').selectAll().where('id', '=', o2.result!.event as number).executeTakeFirstOrThrow();
      assert.equal(ev2.post_count, 1);
      assert.equal(ev2.first_seen_at, iso(T0 + 90 * 24 * HOUR));
    });
  });
}
