import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/auth/actor.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { FEW_MATCHES, NEWEST_WINDOW, searchPosts, searchWords, type PostQuery } from '../../src/collect/search.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

/*
 * The search's results must be exactly the matching posts the actor may see, newest first
 * (publication time, else fetch time, then id), whatever plan finds them. The data mixes common
 * words (in most posts, more than the first window of newest matches), rare ones, posts stored
 * long after they were published, future-dated posts with low ids, posts without a publication
 * time, and every department scope.
 */
// '反映' is in every post, '问题' in five of six, '小区', '物业', '停车' each in a third (SQLite: from
// FEW_MATCHES on, the time-index walk); two of those together in a twelfth (fewer: every match sorted).
const COMMON = ['小区', '物业', '停车'];
const RARE = '电梯';
// 21,000 posts: more than PostgreSQL's window of the newest 20,000 (NEWEST_WINDOW).
const N = 21_000;

interface Fixture {
  id: number;
  segmented: string;
  published_at: string | null;
  fetched_at: string;
  department_id: number | null;
  source_id: number;
  risk_level: string;
  event_id: number | null;
}

for (const kind of testDatabases) {
  describe(`post search (${kind.kind})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let depts: Record<string, number>;
    let posts: Fixture[] = [];
    let eventId: number;

    before(async () => {
      ({ db, drop } = await kind.create());
      depts = await seedOrg(db);
      const now = '2026-11-01T00:00:00.000Z';
      const sourceIds: number[] = [];
      for (const name of ['论坛', '信箱']) {
        const s = await db.kysely
          .insertInto('sources')
          .values({ name, kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: now, updated_at: now } as never)
          .returning('id')
          .executeTakeFirstOrThrow();
        sourceIds.push(s.id);
      }
      eventId = (await db.kysely.insertInto('events').values({ title: '事件', signature: null, topic: null, first_seen_at: now, last_seen_at: now, post_count: 1, risk_level: 'blue', burst: 0, created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow()).id;
      const deptChoices = [null, depts.office, depts.jsk, depts.zfk];
      const base = Date.parse('2026-01-01T00:00:00Z');
      const rows = [];
      for (let i = 0; i < N; i++) {
        // Ids follow time, except: every 97th post is dated far in the future, every 89th is an
        // old post collected late, every 10th has the same time as its neighbour (ties by id).
        let at = base + (i % 10 === 0 && i > 0 ? i - 1 : i) * 3_600_000;
        if (i % 97 === 5) at = base + (N + 500 + i) * 3_600_000;
        if (i % 89 === 7) at = base - (i + 1) * 86_400_000;
        const words = [COMMON[i % 3], i % 4 === 0 ? COMMON[(i + 1) % 3] : '', i % 500 === 3 ? RARE : '', '反映', i % 6 === 0 ? '' : '问题'].filter(Boolean);
        rows.push({
          source_id: sourceIds[i % 2],
          external_id: `p${i}`,
          dedup_key: `t:${i}`,
          url: null,
          title: `帖子${i}`,
          text: words.join(''),
          segmented: words.join(' '),
          author: null,
          published_at: i % 13 === 0 ? null : new Date(at).toISOString(),
          fetched_at: new Date(at + 60_000).toISOString(),
          updated_at: new Date(at + 60_000).toISOString(),
          views: 0,
          replies_count: 0,
          likes: 0,
          reposts: 0,
          event_id: i % 50 === 0 ? eventId : null,
          sentiment_label: 'neutral',
          sentiment_score: 0,
          topic: null,
          department_id: deptChoices[i % 4],
          risk_level: i % 5 === 0 ? 'red' : 'blue',
          risk_score: 0,
          abuse: 0,
          analysis: null,
          analyzed_at: null,
        });
      }
      for (let i = 0; i < rows.length; i += 250) await db.kysely.insertInto('posts').values(rows.slice(i, i + 250) as never).execute();
      posts = (await db.kysely.selectFrom('posts').select(['id', 'segmented', 'published_at', 'fetched_at', 'department_id', 'source_id', 'risk_level', 'event_id']).execute()) as Fixture[];
    });
    after(async () => drop());

    /** The expected ids, from the rows themselves. */
    async function expected(actor: Actor, query: PostQuery): Promise<number[]> {
      const words = await searchWords(db.kysely, query.q);
      const scoped = actor.role === 'responder' || actor.role === 'head';
      const when = (p: Fixture) => p.published_at ?? p.fetched_at;
      return posts
        .filter((p) => words.every((w) => (p.segmented ?? '').split(' ').includes(w)))
        .filter((p) => !scoped || p.department_id === null || p.department_id === actor.departmentId || p.department_id === depts.office)
        .filter((p) => !query.sourceId || p.source_id === query.sourceId)
        .filter((p) => !query.riskLevel || p.risk_level === query.riskLevel)
        .filter((p) => !query.eventId || p.event_id === query.eventId)
        .filter((p) => !query.since || when(p) >= query.since)
        .filter((p) => !query.until || when(p) < query.until)
        .sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : b.id - a.id))
        .slice(query.offset ?? 0, (query.offset ?? 0) + (query.limit ?? 50))
        .map((p) => p.id);
    }
    const ids = async (actor: Actor, query: PostQuery) => (await searchPosts(db.kysely, actor, query)).map((r) => r.id);

    test('the data exercises every plan', () => {
      assert.ok(N > NEWEST_WINDOW && N / 3 >= FEW_MATCHES && N / 12 < FEW_MATCHES);
    });

    test('the query words are cut as the posts were', async () => {
      assert.deepEqual(await searchWords(db.kysely, '小区 物业'), ['小区', '物业']);
      assert.deepEqual(await searchWords(db.kysely, '  ，。 '), []);
    });

    test('a common word: newest first, future-dated and late-collected posts in their place', async () => {
      const office = cliActor();
      for (const q of ['小区', '物业', '停车', '小区 物业', '反映', '问题', '反映 问题']) {
        const got = await ids(office, { q, limit: 50 });
        assert.equal(got.length, 50, q);
        assert.deepEqual(got, await expected(office, { q, limit: 50 }), q);
      }
      // The future-dated posts (low ids) lead the results.
      const [firstId] = await ids(office, { q: '反映', limit: 1 });
      const first = posts.find((p) => p.id === firstId)!;
      assert.ok((first.published_at ?? '') > '2026-03-01', 'a future-dated post comes first');
    });

    test('pages follow one another without gaps or repeats', async () => {
      const office = cliActor();
      for (const q of ['小区', '问题']) {
        const seen: number[] = [];
        for (let offset = 0; offset < 400; offset += 100) {
          const page = await ids(office, { q, limit: 100, offset });
          assert.deepEqual(page, await expected(office, { q, limit: 100, offset }));
          seen.push(...page);
        }
        assert.equal(new Set(seen).size, 400);
      }
    });

    test('department scope: a responder sees only their department, the office and unassigned posts', async () => {
      for (const code of ['jsk', 'zfk']) {
        const responder: Actor = { id: null, name: `r-${code}`, role: 'responder', departmentId: depts[code], via: 'api' };
        for (const q of ['小区', '物业 停车', RARE, '反映', '问题 小区']) {
          const got = await ids(responder, { q, limit: 50 });
          assert.deepEqual(got, await expected(responder, { q, limit: 50 }), `${code} ${q}`);
          const visible = new Set(posts.filter((p) => p.department_id === null || p.department_id === depts[code] || p.department_id === depts.office).map((p) => p.id));
          assert.ok(got.every((id) => visible.has(id)), 'no post of another department');
        }
      }
    });

    test('filters with a common word: source, level, event, dates', async () => {
      const office = cliActor();
      const source = posts[1].source_id;
      const cases: PostQuery[] = [
        { q: '小区', sourceId: source },
        { q: '小区', riskLevel: 'red' },
        { q: '反映', eventId },
        { q: '物业', since: '2026-01-20T00:00:00.000Z', until: '2026-02-01T00:00:00.000Z' },
        { q: '停车', until: '2026-01-05T00:00:00.000Z' },
        { q: '小区', riskLevel: 'red', sourceId: source, limit: 20, offset: 20 },
        { q: '问题', sourceId: source },
        { q: '反映', riskLevel: 'red', sourceId: source, limit: 20, offset: 20 },
        { q: '反映 问题', since: '2026-03-01T00:00:00.000Z', until: '2026-03-05T00:00:00.000Z' },
        { q: '反映', until: '2026-01-03T00:00:00.000Z' },
        { q: '反映', sourceId: source, until: '2026-01-03T00:00:00.000Z' },
        { q: '小区 物业', sourceId: posts[0].source_id, offset: 100 },
      ];
      for (const c of cases) {
        const want = await expected(office, { limit: 50, ...c });
        assert.ok(want.length > 0, JSON.stringify(c));
        assert.deepEqual(await ids(office, { limit: 50, ...c }), want, JSON.stringify(c));
      }
    });

    test('a rare word finds all its posts; an unknown word finds none', async () => {
      const office = cliActor();
      const want = await expected(office, { q: RARE, limit: 50 });
      assert.equal(want.length, posts.filter((p) => p.segmented.split(' ').includes(RARE)).length);
      assert.deepEqual(await ids(office, { q: RARE, limit: 50 }), want);
      assert.deepEqual(await ids(office, { q: '不存在的词语', limit: 50 }), []);
      assert.deepEqual(await ids(office, { q: `${RARE} 不存在的词语`, limit: 50 }), []);
    });

    test('ids that run against time (history imported newest first) still give the exact order', async () => {
      // Re-date the posts so that a higher id means an older post.
      const office = cliActor();
      const base = Date.parse('2025-06-01T00:00:00Z');
      await db.kysely.transaction().execute(async (trx) => {
        for (const p of posts) {
          const at = new Date(base - p.id * 3_600_000).toISOString();
          await trx.updateTable('posts').set({ published_at: at }).where('id', '=', p.id).execute();
          p.published_at = at;
        }
      });
      for (const q of ['小区', '物业 停车', RARE, '反映', '问题']) assert.deepEqual(await ids(office, { q, limit: 50 }), await expected(office, { q, limit: 50 }), q);
      for (const q of ['小区', '反映']) assert.deepEqual(await ids(office, { q, limit: 30, offset: 60 }), await expected(office, { q, limit: 30, offset: 60 }));
    });
  });
}
