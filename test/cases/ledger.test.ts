import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/auth/actor.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { listLedger } from '../../src/cases/ledger.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

for (const tdb of testDatabases) {
  describe(`ledger filters [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let depts: Record<string, number>;
    const office: Actor = { id: null, name: 'office', role: 'office', departmentId: null, via: 'cli' };

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      depts = await seedOrg(db);
      const open = (title: string, foundAt: string, lead: number, level: 'blue' | 'yellow' | 'orange' = 'yellow') =>
        db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { title, lead_department_id: lead, level }, { foundAt }));
      await open('十月最后一晚的帖子', '2026-10-31T15:00:00Z', depts.jsk); // Beijing 10-31 23:00
      await open('北京时间十一月一日凌晨', '2026-10-31T17:00:00Z', depts.jsk); // Beijing 11-01 01:00
      await open('物业费上涨100%引发不满', '2026-11-10T02:00:00Z', depts.zfk, 'orange');
      const late = await open('超期未回复的道路问题', '2026-11-12T02:00:00Z', depts.zfk, 'blue');
      await db.kysely.updateTable('cases').set({ overdue: 1, state: 'drafting' }).where('id', '=', late.id).execute();
    });
    after(async () => drop());

    const titles = async (q: Parameters<typeof listLedger>[2], actor: Actor = office) => (await listLedger(db.kysely, actor, q)).items.map((i) => i.title).sort();

    test('a period is counted in Beijing dates', async () => {
      assert.deepEqual(await titles({ from: '2026-11-01', to: '2026-11-02' }), ['北京时间十一月一日凌晨']);
      assert.deepEqual(await titles({ to: '2026-11-01' }), ['十月最后一晚的帖子']);
    });

    test('level, overdue, state and department filters combine', async () => {
      assert.deepEqual(await titles({ level: 'orange' }), ['物业费上涨100%引发不满']);
      assert.deepEqual(await titles({ overdue: true }), ['超期未回复的道路问题']);
      assert.deepEqual(await titles({ department_id: depts.zfk, state: ['triage'] }), ['物业费上涨100%引发不满']);
      assert.deepEqual(await titles({ state: ['triage', 'drafting'], department_id: depts.zfk }), ['物业费上涨100%引发不满', '超期未回复的道路问题']);
    });

    test('text search treats % and _ literally', async () => {
      assert.deepEqual(await titles({ q: '100%' }), ['物业费上涨100%引发不满']);
      assert.deepEqual(await titles({ q: '%' }), ['物业费上涨100%引发不满']);
      assert.deepEqual(await titles({ q: '_' }), []);
    });

    test('pages carry the total; a responder sees only their department', async () => {
      const page = await listLedger(db.kysely, office, { limit: 2, offset: 2 });
      assert.equal(page.total, 4);
      assert.deepEqual(page.items.map((i) => i.title), ['北京时间十一月一日凌晨', '十月最后一晚的帖子'], 'newest first');
      const zf: Actor = { id: null, name: 'zf', role: 'responder', departmentId: depts.zfk, via: 'cli' };
      assert.deepEqual(await titles({}, zf), ['物业费上涨100%引发不满', '超期未回复的道路问题']);
    });

    test('诉求类型: cases with a post of that appeal type (issue 17)', async () => {
      const now = '2026-11-10T02:00:00.000Z';
      const source = await db.kysely.insertInto('sources').values({ name: 'ledger-board', kind: 'manual', created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
      const post = await db.kysely
        .insertInto('posts')
        .values({ source_id: source.id, dedup_key: 'ledger-appeal', title: '物业费', text: '求助', fetched_at: now, updated_at: now, appeal_label: 'help' } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      const c = await db.kysely.selectFrom('cases').select('id').where('title', '=', '物业费上涨100%引发不满').executeTakeFirstOrThrow();
      await db.kysely.insertInto('case_posts').values({ case_id: c.id, post_id: post.id }).execute();
      assert.deepEqual(await titles({ appeal: 'help' }), ['物业费上涨100%引发不满']);
      assert.deepEqual(await titles({ appeal: 'complaint' }), []);
      await assert.rejects(listLedger(db.kysely, office, { appeal: 'angry' as never }));
    });

    test('bad filters are refused', async () => {
      await assert.rejects(listLedger(db.kysely, office, { level: 'purple' as never }));
      await assert.rejects(listLedger(db.kysely, office, { from: 'yesterday' }));
      await assert.rejects(listLedger(db.kysely, office, { limit: 0 }));
    });
  });
}
