import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { matterName, matterPairs, matterPlaces, placesAgree, samePlace } from '../../src/analyze/events/matter.ts';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { composeAnalyzer } from '../../src/analyze/analyzer.ts';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { insertPost, insertSource, testContext } from './helpers.ts';

/**
 * Issue 17, parts 5 and 6: one matter is one event (linked on the place and object a post names,
 * not on the boilerplate every message to a government board shares), and events are named by
 * place and matter, never by fragments. Our own texts, written after the kind of message the
 * issue quotes.
 */
const HOUR = 3600_000;
const T0 = Date.parse('2026-11-02T01:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Five forum posts about the 沿港西路 road works, worded differently, over five days. */
const ROAD_WORKS = [
  { title: '沿港西路改建工期一拖再拖', text: '沿港西路改建工程去年就说年底完工，现在还是到处围挡，出门绕路半小时，工期一拖再拖，到底什么时候能通车？' },
  { title: '沿港西路施工什么时候结束', text: '您好，我家住在沿港西路边上，修路已经一年多了，灰尘大、噪音大，希望政府督促施工单位加快进度，谢谢！' },
  { title: '沿港西路修路拖了一年多没人管', text: '沿港西路的改建到底还要拖多久？路面挖开又不修，下雨全是泥水，老人小孩出门都不方便，没人管吗？' },
  { title: '关于沿港西路改建工程延期的问题', text: '尊敬的领导：沿港西路改建工程严重延期，沿线商户生意受影响，请问工期为什么一再拖延，何时完工？' },
  { title: '沿港西路工程进度太慢', text: '沿港西路工程进度太慢，每天只有几个工人在干活，这样下去明年也修不完，恳请相关部门督促。' },
];

/** The same complaint, word for word, about three different estates. */
const ESTATES = ['翠湖小区', '锦绣花园', '金桂苑'].map((estate) => ({
  title: `${estate}楼下烧烤店油烟扰民`,
  text: `${estate}楼下的烧烤店每天营业到凌晨，油烟直接排进楼道，噪音也很大，住户多次投诉没有结果，希望城管部门尽快处理。`,
}));

/** Messages that share nothing but the boilerplate of a message to a government board. */
const BOILERPLATE = [
  { title: '希望领导关注这个问题', text: '尊敬的领导您好，希望政府有关部门重视这个问题，尽快解决，谢谢！我们反映的问题是小孩上学路上没有红绿灯。' },
  { title: '希望领导关注这个问题', text: '尊敬的领导您好，希望政府有关部门重视这个问题，尽快解决，谢谢！我们反映的问题是菜市场门口垃圾没人清运。' },
];

describe('the matter of a post: its places and objects', () => {
  test('roads, estates, streets and projects are read from the text; administrative prefixes are not places', () => {
    assert.deepEqual(matterPlaces('A市A5区劳动东路魅力之城小区油烟扰民', ''), ['劳动东路', '魅力之城']);
    assert.ok(matterPlaces(ROAD_WORKS[0].title, ROAD_WORKS[0].text).includes('沿港西路'));
    assert.deepEqual(matterPlaces('新塘街道这次征收补偿标准不一样', ''), ['新塘街道']);
    assert.deepEqual(matterPlaces('您好，希望领导重视这个问题，谢谢', '尊敬的领导，希望政府尽快解决。'), []);
    // generic words before a suffix are no place
    assert.deepEqual(matterPlaces('老旧小区改造什么时候开始', '我们小区的道路坑坑洼洼'), []);
  });

  test('a name read with a word before it is the same place; three estates are three places', () => {
    assert.ok(samePlace('靠近黄兴路', '黄兴路'));
    assert.ok(samePlace('万科魅力之城', '魅力之城'));
    assert.ok(!samePlace('人民路', '人民东路'));
    assert.ok(!placesAgree(['翠湖'], ['锦绣花园']));
  });

  test('the matter of a title, as pairs of characters, leaves out places and framing', () => {
    const a = matterPairs('关于伊景园滨河苑捆绑销售车位的投诉', ['伊景园滨河苑']);
    const b = matterPairs('伊景园滨河苑强行捆绑车位销售', ['伊景园滨河苑']);
    assert.ok(a.includes('捆绑') && b.includes('捆绑'));
    assert.ok(!a.some((x) => x.includes('投') || x.includes('于')));
  });
});

describe('events are named by place and matter (issue 17, part 6)', () => {
  test('place + matter, never framing words or fragments', () => {
    assert.equal(matterName('A5区劳动东路魅力之城小区油烟扰民', ''), '劳动东路 油烟扰民');
    assert.equal(matterName('魅力之城小区临街门面油烟扰民', ''), '魅力之城 临街门面油烟扰民');
    const road = matterName('沿港西路改建的工期到底是怎么回事', '');
    assert.ok(road.startsWith('沿港西路 '), road);
    for (const bad of ['的工期', '到底是', '的', '到底', '怎么']) assert.ok(!road.split(' ')[1].startsWith(bad), `${road} starts with ${bad}`);
    assert.equal(matterName('A4区洪山公园何时开工建设？', ''), '洪山公园 开工建设');
    // no place: the matter alone; nothing but framing: the title, cut short
    assert.equal(matterName('请问人才购房补贴怎么申请', ''), '人才购房补贴');
    assert.ok(matterName('', '').length > 0);
  });
});

describe('events in memory: one matter, one event', () => {
  const analyzer = () => composeAnalyzer({ language: createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} }), rules: [], periods: [], sensitive: null, routing: { departments: new Map(), topics: new Map() } });

  test('five differently worded posts about one road over five days are one event', () => {
    const a = analyzer();
    const events = ROAD_WORKS.map((p, i) => a.analyze({ id: i + 1, ...p, published_at: iso(T0 + i * 24 * HOUR) }).event);
    assert.deepEqual(new Set(events), new Set([1]), `events ${events.join(',')}`);
  });

  test('the same complaint about three estates is three events, however alike the words', () => {
    const a = analyzer();
    const events = ESTATES.map((p, i) => a.analyze({ id: i + 1, ...p, published_at: iso(T0 + i * HOUR) }).event);
    assert.equal(new Set(events).size, 3, `events ${events.join(',')}`);
  });

  test('shared boilerplate links nothing', () => {
    const a = analyzer();
    const events = BOILERPLATE.map((p, i) => a.analyze({ id: i + 1, ...p, published_at: iso(T0 + i * HOUR) }).event);
    assert.equal(new Set(events).size, 2, `events ${events.join(',')}`);
  });
});

for (const tdb of testDatabases) {
  describe(`stored posts: one matter, one event, one case [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sourceId: number;
    before(async () => {
      ({ db, drop } = await tdb.create());
      sourceId = await insertSource(db, '县论坛');
      // every post opens or joins a case, so that the test sees whether the matter's posts share one
      await db.kysely.insertInto('settings').values({ key: 'cases.settings', value: JSON.stringify({ auto_open_level: 'blue' }), updated_at: nowIso() }).execute();
    });
    after(async () => drop());

    test('five posts about the 沿港西路 road works are one event named by place and matter, and one case', async () => {
      const ctx = testContext(db);
      const ids: number[] = [];
      for (const [i, p] of ROAD_WORKS.entries()) ids.push(await insertPost(db, sourceId, { ...p, published_at: iso(T0 + i * 24 * HOUR) }));
      const out = await analyzeStoredPosts(ctx, ids);
      assert.deepEqual(out.map((o) => o.error), ids.map(() => null));
      const rows = await db.kysely.selectFrom('posts').select(['id', 'event_id']).where('id', 'in', ids).execute();
      const events = new Set(rows.map((r) => r.event_id));
      assert.equal(events.size, 1, `events ${[...events].join(',')}`);
      const ev = await db.kysely.selectFrom('events').selectAll().where('id', '=', rows[0].event_id!).executeTakeFirstOrThrow();
      assert.equal(ev.post_count, 5);
      assert.ok(ev.title.startsWith('沿港西路 '), ev.title);
      const cases = await db.kysely.selectFrom('case_posts').select('case_id').distinct().where('post_id', 'in', ids).execute();
      assert.equal(cases.length, 1, 'later posts of the event join its open case');
    });

    test('the same complaint about three estates stays three events and three cases', async () => {
      const ctx = testContext(db);
      const ids: number[] = [];
      for (const [i, p] of ESTATES.entries()) ids.push(await insertPost(db, sourceId, { ...p, published_at: iso(T0 + 10 * 24 * HOUR + i * HOUR) }));
      await analyzeStoredPosts(ctx, ids);
      const rows = await db.kysely.selectFrom('posts').select(['event_id']).where('id', 'in', ids).execute();
      assert.equal(new Set(rows.map((r) => r.event_id)).size, 3);
      const cases = await db.kysely.selectFrom('case_posts').select('case_id').distinct().where('post_id', 'in', ids).execute();
      assert.equal(cases.length, 3);
    });
  });
}

for (const tdb of testDatabases) {
  describe(`the office merges and splits events by hand, with history [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    let sourceId: number;
    const as: Record<string, ApiClient> = {};
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db);
      sourceId = await insertSource(db, '县论坛');
      await db.kysely.insertInto('settings').values({ key: 'cases.settings', value: JSON.stringify({ auto_open_level: 'blue' }), updated_at: nowIso() }).execute();
      for (const u of ['office1', 'resp_js']) {
        as[u] = new ApiClient(server.url);
        assert.equal((await as[u].login(u, PASSWORD)).status, 200);
      }
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('merge: posts and cases move to the kept event, the other points at it; split: posts start a new event; both kept in history', async () => {
      const ctx = testContext(db);
      // two estates: two events (and two cases)
      const ids: number[] = [];
      for (const [i, p] of ESTATES.slice(0, 2).entries()) ids.push(await insertPost(db, sourceId, { ...p, published_at: iso(T0 + i * HOUR) }));
      await analyzeStoredPosts(ctx, ids);
      const [a, b] = await Promise.all(ids.map(async (id) => (await db.kysely.selectFrom('posts').select('event_id').where('id', '=', id).executeTakeFirstOrThrow()).event_id!));
      assert.notEqual(a, b);

      assert.equal((await as.resp_js.post(`/api/events/${a}/merge`, { events: [b] })).status, 403, 'a responder may not');
      assert.equal((await as.office1.post(`/api/events/${a}/merge`, { events: [a] })).status, 400, 'not into itself');
      const merged = await as.office1.post(`/api/events/${a}/merge`, { events: [b], note: '同一物业公司' });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.deepEqual(merged.body.moved_posts, [ids[1]]);
      const kept = await as.office1.get(`/api/events/${a}`);
      assert.equal(kept.body.event.post_count, 2);
      assert.equal(kept.body.posts.length, 2);
      assert.equal(kept.body.changes[0].kind, 'merge');
      assert.equal(kept.body.changes[0].other_event_id, b);
      assert.equal(kept.body.changes[0].note, '同一物业公司');
      assert.ok(kept.body.changes[0].user_name);
      const gone = await as.office1.get(`/api/events/${b}`);
      assert.equal(gone.body.event.merged_into, a);
      const cases = await db.kysely.selectFrom('cases').select('event_id').execute();
      assert.ok(cases.every((c) => c.event_id === a || c.event_id === null), 'cases follow the kept event');
      const list = await as.office1.get('/api/events?limit=500');
      assert.ok(!list.body.items.some((e: { id: number }) => e.id === b), 'a merged event is not listed');
      assert.equal((await as.office1.post(`/api/events/${b}/merge`, { events: [a] })).status, 400, 'a merged event takes nothing');

      // split the second estate's post back off
      assert.equal((await as.office1.post(`/api/events/${a}/split`, { post_ids: ids })).status, 400, 'a split leaves posts behind');
      const split = await as.office1.post(`/api/events/${a}/split`, { post_ids: [ids[1]] });
      assert.equal(split.status, 200, JSON.stringify(split.body));
      const fresh = await as.office1.get(`/api/events/${split.body.event_id}`);
      assert.equal(fresh.body.event.post_count, 1);
      assert.ok(fresh.body.event.title.startsWith('锦绣花园'), fresh.body.event.title);
      assert.equal(fresh.body.changes[0].kind, 'split');
      assert.equal((await as.office1.get(`/api/events/${a}`)).body.event.post_count, 1);
      const audit = await db.kysely.selectFrom('audit_log').select('action').where('entity', '=', 'event').orderBy('id').execute();
      assert.deepEqual(audit.map((r) => r.action), ['event.merge', 'event.split']);

      // a later post about the split-off estate joins the new event, not the old one
      const later = await insertPost(db, sourceId, { ...ESTATES[1], title: `${ESTATES[1].title}，还是没人管`, published_at: iso(T0 + 5 * HOUR) });
      await analyzeStoredPosts(ctx, [later]);
      const row = await db.kysely.selectFrom('posts').select('event_id').where('id', '=', later).executeTakeFirstOrThrow();
      assert.equal(row.event_id, split.body.event_id);
    });
  });
}
