import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { openCaseHook } from '../../src/cases/hook.ts';
import { createContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertPost, insertSource } from './helpers.ts';

function result(level: 'orange' | 'red', event: number): AnalysisResult {
  return {
    sentiment: { label: 'negative', score: -0.8, reasons: [] },
    topic: null,
    topicReasons: [],
    department: null,
    departmentReasons: [],
    risk: { level, score: 70, reasons: ['测试'] },
    keywords: [],
    rules: [],
    event,
    abuse: { flagged: false, reasons: [] },
  };
}

for (const tdb of testDatabases) {
  describe(`automatic case opening when the event's earlier posts are in another case [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
    });
    after(async () => drop());

    test('a new risky post of that event opens its own case instead of failing its analysis', async () => {
      const ctx = createContext(db, loadConfig({}), createLogger('silent'));
      const now = nowIso();
      const ev = await db.kysely
        .insertInto('events')
        .values({ title: '道路施工', signature: null, topic: null, first_seen_at: now, last_seen_at: now, post_count: 2, risk_level: 'orange', burst: 0, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const src = await insertSource(db);
      // The first post got its own case before it was linked to the event (e.g. opened by hand).
      const first = await insertPost(db, src, { level: 'orange' });
      const load = (id: number) => db.kysely.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const p1 = await load(first);
      await db.kysely.transaction().execute(async (trx) => openCaseHook(trx, ctx, p1, { ...result('orange', ev.id), event: null }));
      const c1 = await db.kysely.selectFrom('case_posts').innerJoin('cases', 'cases.id', 'case_posts.case_id').select(['cases.id', 'cases.event_id']).where('post_id', '=', first).executeTakeFirstOrThrow();
      assert.equal(c1.event_id, null);
      await db.kysely.updateTable('posts').set({ event_id: ev.id }).where('id', '=', first).execute();
      const second = await insertPost(db, src, { eventId: ev.id, level: 'orange' });

      const p2 = await load(second);
      await db.kysely.transaction().execute(async (trx) => openCaseHook(trx, ctx, p2, result('orange', ev.id)));
      const c2 = await db.kysely.selectFrom('case_posts').select('case_id').where('post_id', '=', second).executeTakeFirstOrThrow();
      assert.notEqual(c2.case_id, c1.id);
      const inFirst = await db.kysely.selectFrom('case_posts').select('post_id').where('case_id', '=', c1.id).execute();
      assert.deepEqual(inFirst.map((r) => r.post_id), [first], 'the closed case keeps its post');
    });
  });
}
