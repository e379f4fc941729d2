import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import { openCaseHook } from '../../src/cases/hook.ts';
import { openCase } from '../../src/cases/open.ts';
import { DEFAULT_CASE_SETTINGS, storeCaseSettings } from '../../src/cases/settings.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { analysisHooks } from '../../src/pipeline/index.ts';
import type { RiskLevel } from '../../src/levels.ts';
import { createLogger } from '../../src/log.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertPost, insertSource } from './helpers.ts';

function result(level: RiskLevel, event: number | null = null, department: string | null = 'jsk'): AnalysisResult {
  return {
    sentiment: { label: 'negative', score: -0.8, reasons: [] },
    topic: '市政/道路',
    topicReasons: [],
    department,
    departmentReasons: ['规则“道路施工”指向建设科'],
    risk: { level, score: 70, reasons: ['回复数快速增长'] },
    keywords: [],
    rules: [],
    event,
    abuse: { flagged: false, reasons: [] },
  };
}

for (const tdb of testDatabases) {
  describe(`opening cases [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let depts: Record<string, number>;
    let sourceId: number;

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      depts = await seedOrg(db);
      ctx = createContext(db, loadConfig({}), createLogger('silent'));
      sourceId = await insertSource(db);
    });
    after(async () => drop());

    async function analyse(postId: number, r: AnalysisResult) {
      const post = await db.kysely.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirstOrThrow();
      await db.kysely.transaction().execute((trx) => openCaseHook(trx, ctx, post, r));
    }
    async function casesOf(postId: number) {
      return db.kysely.selectFrom('case_posts').innerJoin('cases', 'cases.id', 'case_posts.case_id').selectAll('cases').where('post_id', '=', postId).execute();
    }

    test('the hook is registered with the analysis pipeline', () => {
      assert.ok(analysisHooks.includes(openCaseHook));
    });

    test('analysis opens a case at the configured level, idempotently, with the suggested department', async () => {
      const low = await insertPost(db, sourceId);
      await analyse(low, result('blue'));
      assert.equal((await casesOf(low)).length, 0, 'below the auto-open level');

      const p = await insertPost(db, sourceId, { title: '小区门口道路塌陷' });
      await analyse(p, result('yellow'));
      await analyse(p, result('yellow'));
      const cases = await casesOf(p);
      assert.equal(cases.length, 1, 're-analysis opens no second case');
      assert.equal(cases[0].suggested_department_id, depts.jsk);
      assert.equal(cases[0].title, '小区门口道路塌陷');
      assert.ok(JSON.parse(cases[0].suggestion_reasons!).includes('规则“道路施工”指向建设科'));
      assert.equal(cases[0].emergency_proposed, 0, '较大: no emergency clocks proposed');
      await analyse(p, result('red'));
      const raised = await casesOf(p);
      assert.equal(raised[0].level, 'red', 're-analysis raises the level of the case');
      assert.deepEqual([raised[0].emergency, raised[0].emergency_proposed], [0, 1], 'raised to 特别重大: the 5 h / 24 h clocks are proposed, not imposed');
      assert.equal((await db.kysely.selectFrom('cases').select('id').execute()).length, 1);
    });

    test('posts of one event join the open case of that event', async () => {
      const now = nowIso();
      const ev = await db.kysely.insertInto('events').values({ title: '道路塌陷', first_seen_at: now, last_seen_at: now, post_count: 2, burst: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      const a = await insertPost(db, sourceId, { eventId: ev.id });
      const b = await insertPost(db, sourceId, { eventId: ev.id, level: 'orange' });
      await analyse(a, result('yellow', ev.id));
      await analyse(b, result('orange', ev.id));
      const [ca] = await casesOf(a);
      const [cb] = await casesOf(b);
      assert.equal(ca.id, cb.id);
      assert.equal(cb.event_id, ev.id);
      assert.equal(cb.level, 'orange', 'the joining post raises the level');
    });

    test('a near-duplicate repost joins the case of its original', async () => {
      const original = await insertPost(db, sourceId, { title: '自来水发黄' });
      await analyse(original, result('yellow'));
      const repost = await insertPost(db, sourceId, { title: '转：自来水发黄' });
      await db.kysely.updateTable('posts').set({ near_duplicate_of: original }).where('id', '=', repost).execute();
      await analyse(repost, result('yellow'));
      assert.equal((await casesOf(repost))[0].id, (await casesOf(original))[0].id);
    });

    test('auto-opening can be switched off', async () => {
      await storeCaseSettings(db.kysely, { ...DEFAULT_CASE_SETTINGS, auto_open_level: 'off' });
      const p = await insertPost(db, sourceId);
      await analyse(p, result('red'));
      assert.equal((await casesOf(p)).length, 0);
      await storeCaseSettings(db.kysely, DEFAULT_CASE_SETTINGS);
    });

    test('through the real analysis step: a stored post analysed (twice) opens exactly one case', async () => {
      await storeCaseSettings(db.kysely, { ...DEFAULT_CASE_SETTINGS, auto_open_level: 'blue' });
      const p = await insertPost(db, sourceId, { title: '沿港西路又被挖开了', text: '沿港西路又被挖开了，三个月还没完工，投诉无门！', level: 'blue' });
      await db.kysely.updateTable('posts').set({ analyzed_at: null, analysis: null }).where('id', '=', p).execute();
      const [first] = await analyzeStoredPosts(ctx, [p]);
      assert.equal(first.error, null);
      await analyzeStoredPosts(ctx, [p]);
      const cases = await casesOf(p);
      assert.equal(cases.length, 1);
      assert.equal(cases[0].level, first.result!.risk.level);
      await storeCaseSettings(db.kysely, DEFAULT_CASE_SETTINGS);
    });

    test('case numbers are unique and gap-free per year under concurrent opening', async () => {
      const before = await db.kysely.selectFrom('cases').select('seq').where('year', '=', 2026).execute();
      const start = Math.max(0, ...before.map((r) => r.seq));
      const rows = await Promise.all(Array.from({ length: 25 }, (_, i) => openCase(db.kysely, cliActor(), { title: `并发立案 ${i}` })));
      const seqs = rows.map((r) => r.seq).sort((x, y) => x - y);
      assert.deepEqual(seqs, Array.from({ length: 25 }, (_, i) => start + i + 1));
      assert.ok(rows.every((r) => r.number === `${r.year}-${String(r.seq).padStart(4, '0')}`));
    });

    test('numbering continues after cases written directly (an import) instead of colliding with them', async () => {
      const now = nowIso();
      await db.kysely.insertInto('cases').values({ number: '2025-0500', year: 2025, seq: 500, title: '导入的历史台账', state: 'closed', level: 'blue', overdue: 0, opened_at: '2025-06-01T00:00:00Z', updated_at: now }).execute();
      const p = await insertPost(db, sourceId, { fetchedAt: '2025-07-01T02:00:00.000Z' });
      await analyse(p, result('yellow'));
      assert.equal((await casesOf(p))[0].number, '2025-0501');
      // The counter of 2026 exists already; a directly written 2026-0900 moves it on too.
      await db.kysely.insertInto('cases').values({ number: '2026-0900', year: 2026, seq: 900, title: '补录', state: 'closed', level: 'blue', overdue: 0, opened_at: '2026-06-01T00:00:00Z', updated_at: now }).execute();
      const q = await insertPost(db, sourceId, { fetchedAt: '2026-07-01T02:00:00.000Z' });
      await analyse(q, result('yellow'));
      assert.equal((await casesOf(q))[0].number, '2026-0901');
    });

    test('the year of the number is the Beijing year: 31 Dec 17:00 UTC is already 2027', async () => {
      const p = await insertPost(db, sourceId, { fetchedAt: '2026-12-31T17:00:00.000Z' });
      await analyse(p, result('yellow'));
      const [c] = await casesOf(p);
      assert.equal(c.number, '2027-0001');
    });

    test('bad input is refused: nothing to open, unknown post, unknown department', async () => {
      await assert.rejects(openCase(db.kysely, cliActor(), {}), /nothing to open/);
      await assert.rejects(openCase(db.kysely, cliActor(), { post_ids: [999999] }), (e: { userMessage: string }) => e.userMessage === '信息（编号 999999）不存在');
      await assert.rejects(openCase(db.kysely, cliActor(), { title: 'x', lead_department_id: 999999 }), /department 999999 not found/);
    });
  });
}
