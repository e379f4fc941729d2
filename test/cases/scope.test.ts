import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { caseWorld, insertPost, insertSource, type CaseWorld } from './helpers.ts';

/** A responder of one department is refused on another department's case through every case endpoint. */
for (const tdb of testDatabases) {
  describe(`department scope of cases [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;
    const ids: Record<string, number> = {};

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      w = await caseWorld(db);
      const sourceId = await insertSource(db);
      const p1 = await insertPost(db, sourceId, { departmentId: w.depts.jsk });
      const p2 = await insertPost(db, sourceId, { departmentId: w.depts.jsk });
      ids.post2 = await insertPost(db, sourceId, { departmentId: w.depts.jsk });
      const c = await w.as.office.post('/api/cases', { post_ids: [p1, p2] });
      ids.case = c.body.id;
      await w.as.office.post(`/api/cases/${ids.case}/assign`, { lead_department_id: w.depts.jsk });
      const r = await w.as.resp_js.post(`/api/cases/${ids.case}/responses`, { situation: '经现场核实道路确实未完工', measures: '已责令施工单位本月底前完工' });
      ids.response = r.body.id;
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
      ids.attachment = (await w.as.resp_js.post(`/api/responses/${ids.response}/attachments`, { filename: 'p.png', data_base64: png })).body.id;
      ids.memo = (await w.as.office.post(`/api/cases/${ids.case}/memos`, {})).body.id;
      ids.instruction = (await w.as.leader.post(`/api/memos/${ids.memo}/instructions`, { text: '请抓紧办理' })).body.id;
      ids.commitment = (await w.as.resp_js.post(`/api/cases/${ids.case}/commitments`, { what: '月底前完工', due_at: new Date(Date.now() + 86_400_000).toISOString() })).body.id;
      for (const [k, v] of Object.entries(ids)) assert.ok(v, `fixture ${k}`);
    });
    after(async () => {
      await w.close();
      await drop();
    });

    test('every case endpoint refuses a responder of another department and changes nothing', async () => {
      const { case: c, response: r, attachment: a, memo: m, instruction: i, commitment: k, post2 } = ids;
      const calls: [string, string, unknown?][] = [
        ['GET', `/api/cases/${c}`],
        ['GET', `/api/cases/${c}/events`],
        ['PATCH', `/api/cases/${c}`, { title: '改标题' }],
        ['POST', `/api/cases/${c}/posts`, { post_ids: [post2] }],
        ['POST', `/api/cases/${c}/assign`, { lead_department_id: w.depts.zfk }],
        ['POST', `/api/cases/${c}/escalate`, { to: 'office', reason: '不归我们' }],
        ['POST', `/api/cases/${c}/follow`, {}],
        ['POST', `/api/cases/${c}/close`, {}],
        ['POST', `/api/cases/${c}/press-conference`, {}],
        ['POST', `/api/cases/${c}/verify`, {}],
        ['GET', `/api/cases/${c}/responses`],
        ['POST', `/api/cases/${c}/responses`, {}],
        ['GET', `/api/responses/${r}`],
        ['PATCH', `/api/responses/${r}`, { body: '改稿' }],
        ['GET', `/api/responses/${r}/check`],
        ['POST', `/api/responses/${r}/submit`, {}],
        ['POST', `/api/responses/${r}/approve`, {}],
        ['POST', `/api/responses/${r}/return`, { comment: '退回' }],
        ['POST', `/api/responses/${r}/posted`, { url: 'http://127.0.0.1/x' }],
        ['POST', `/api/responses/${r}/attachments`, { filename: 'p.png', data_base64: 'iVBORw0KGgo=' }],
        ['GET', `/api/attachments/${a}`],
        ['POST', `/api/cases/${c}/memos`, {}],
        ['GET', `/api/memos/${m}`],
        ['PATCH', `/api/memos/${m}`, { office_opinion: '改' }],
        ['GET', `/api/memos/${m}/docx`],
        ['POST', `/api/memos/${m}/instructions`, { text: '批示' }],
        ['POST', `/api/instructions/${i}/handled`, {}],
        ['GET', `/api/cases/${c}/commitments`],
        ['POST', `/api/cases/${c}/commitments`, { what: '承诺', due_at: new Date().toISOString() }],
        ['POST', `/api/commitments/${k}/done`, { result_url: 'http://127.0.0.1/done' }],
        ['POST', `/api/commitments/${k}/waive`, { reason: '理由' }],
      ];
      const before = await db.kysely.selectFrom('case_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const caseBefore = await db.kysely.selectFrom('cases').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
      for (const [method, path, body] of calls) {
        const res = await w.as.resp_zf.request(method, path, body);
        assert.equal(res.status, 403, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.ok(typeof res.body.error.message === 'string' && /[\u4e00-\u9fff]/.test(res.body.error.message), `${method} ${path} has a Chinese message`);
      }
      const after = await db.kysely.selectFrom('case_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
      assert.deepEqual(await db.kysely.selectFrom('cases').selectAll().where('id', '=', c).executeTakeFirstOrThrow(), caseBefore);
      const resp = await db.kysely.selectFrom('responses').select(['status', 'body']).where('id', '=', r).executeTakeFirstOrThrow();
      assert.equal(resp.status, 'draft');
    });

    test("the ledger and its export leave out another department's case but show the office's shared ones", async () => {
      const own = await w.as.resp_js.get('/api/cases');
      assert.equal(own.body.total, 1);
      assert.equal((await w.as.resp_zf.get('/api/cases')).body.total, 0);
      assert.deepEqual((await w.as.resp_zf.get('/api/memos')).body, [], "another department's memos are not listed");
      assert.equal((await w.as.resp_js.get('/api/memos')).body.length, 1);
      const x = await fetch(`${w.server.url}/api/cases/export.xlsx`, { headers: { cookie: w.as.resp_zf.cookie } });
      assert.equal(x.status, 200);
      const { default: ExcelJS } = await import('exceljs');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ArrayBuffer);
      assert.equal(wb.getWorksheet('舆情台账')!.rowCount, 1, 'header only');
      const shared = await w.as.office.post('/api/cases', { title: '全局性舆情：供暖收费', lead_department_id: w.depts.office });
      assert.equal(shared.status, 201);
      const list = await w.as.resp_zf.get('/api/cases');
      assert.deepEqual(list.body.items.map((i: { id: number }) => i.id), [shared.body.id]);
      assert.equal((await w.as.resp_zf.get(`/api/cases/${shared.body.id}`)).status, 200);
      // Seeing a shared case does not make it theirs to work on.
      assert.equal((await w.as.resp_zf.post(`/api/cases/${shared.body.id}/responses`, {})).status, 403);
    });

    test('an assisting department gains access once the office adds it', async () => {
      await w.as.office.post(`/api/cases/${ids.case}/escalate`, { to: 'office', reason: '需协调' });
      const res = await w.as.office.post(`/api/cases/${ids.case}/assign`, { lead_department_id: w.depts.jsk, assisting_department_ids: [w.depts.zfk] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await w.as.resp_zf.get(`/api/cases/${ids.case}`)).status, 200);
      assert.equal((await w.as.resp_zf.get(`/api/cases/${ids.case}/commitments`)).status, 200);
    });
  });
}
