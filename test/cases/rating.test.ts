import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { ledgerFacts } from '../../src/report/ledger-facts.ts';
import { testDatabases } from '../helpers/db.ts';
import { caseWorld, insertPost, insertSource, type CaseWorld } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`people's marks on a case [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;
    let caseId: number;
    before(async () => {
      ({ db, drop } = await tdb.create());
      w = await caseWorld(db);
      const src = await insertSource(db);
      const post = await insertPost(db, src, { departmentId: w.depts.jsk });
      const opened = await w.as.office.post('/api/cases', { post_ids: [post], lead_department_id: w.depts.jsk });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      caseId = opened.body.id;
    });
    after(async () => {
      await w.close();
      await drop();
    });

    test('the 12345 call-back mark is recorded on the case and counted for the department', async () => {
      const res = await w.as.resp_js.post(`/api/cases/${caseId}/rating`, { mark: '满意', channel: '12345回访' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await w.as.resp_js.post(`/api/cases/${caseId}/rating`, { score: 2 })).status, 200);
      const events = await db.kysely.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('kind', '=', 'rating').execute();
      assert.equal(events.length, 2);
      const facts = await ledgerFacts(db.kysely, { start: '2000-01-01T00:00:00.000Z', end: '2100-01-01T00:00:00.000Z' }, new Date().toISOString());
      const mine = facts.cases.find((c) => c.departmentId === w.depts.jsk)!;
      assert.equal(mine.marksGood, 1);
      assert.equal(mine.marksBad, 1);
    });

    test('a mark without a score or a verdict is refused; another department may not mark the case', async () => {
      const empty = await w.as.office.post(`/api/cases/${caseId}/rating`, { channel: '网上评价' });
      assert.equal(empty.status, 400);
      assert.match(empty.body.error.message, /评分|满意/);
      assert.equal((await w.as.office.post(`/api/cases/${caseId}/rating`, { score: 9 })).status, 400);
      assert.equal((await w.as.resp_zf.post(`/api/cases/${caseId}/rating`, { score: 5 })).status, 403);
      const events = await db.kysely.selectFrom('case_events').select('id').where('case_id', '=', caseId).where('kind', '=', 'rating').execute();
      assert.equal(events.length, 2);
    });
  });
}
