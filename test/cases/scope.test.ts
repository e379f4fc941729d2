import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { enqueueNotice } from '../../src/alert/outbox.ts';
import { caseWorld, insertChannel, insertPost, insertSource, type CaseWorld } from './helpers.ts';

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

/** Ids named in request bodies (and the acts that were open to anyone who could see an item) stay within the department. */
for (const tdb of testDatabases) {
  describe(`department scope of ids in requests [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;
    const id: Record<string, number> = {};
    const MISSING = 999_999;
    const count = async (table: 'cases' | 'case_posts' | 'commitments' | 'posts') => Number((await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    /** A refusal must look like the answer for a missing id: same status, code and message (with the id swapped). */
    const sameAsMissing = (foreign: { status: number; body: any }, missing: { status: number; body: any }, foreignId: number) => {
      assert.equal(foreign.status, missing.status, JSON.stringify(foreign.body));
      assert.equal(foreign.body.error.code, missing.body.error.code);
      assert.equal(foreign.body.error.message, missing.body.error.message.replaceAll(String(MISSING), String(foreignId)));
    };

    before(async () => {
      ({ db, drop } = await tdb.create());
      w = await caseWorld(db);
      const src = await insertSource(db);
      id.jsPost = await insertPost(db, src, { departmentId: w.depts.jsk, title: '建设科内部帖子标题', text: '建设科内部帖子正文，外科室不应看到。' });
      id.jsFree = await insertPost(db, src, { departmentId: w.depts.jsk, title: '建设科未立案的帖子', text: '建设科未立案帖子的正文。' });
      id.jsShared = await insertPost(db, src, { departmentId: null, title: '未分派的帖子' });
      id.zfPost = await insertPost(db, src, { departmentId: w.depts.zfk, title: '住房科自己的帖子' });
      const now = new Date().toISOString();
      id.jsEvent = (
        await db.kysely
          .insertInto('events')
          .values({ title: '建设科内部事件', signature: null, topic: null, first_seen_at: now, last_seen_at: now, post_count: 1, risk_level: 'yellow', burst: 0, created_at: now, updated_at: now, department_id: w.depts.jsk, burst_reason: null, burst_at: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      id.jsEventPost = await insertPost(db, src, { departmentId: w.depts.jsk, eventId: id.jsEvent, title: '建设科事件中的帖子' });
      const jsCase = await w.as.office.post('/api/cases', { post_ids: [id.jsPost, id.jsShared], lead_department_id: w.depts.jsk });
      id.jsCase = jsCase.body.id;
      id.jsNumber = jsCase.body.number;
      const zfCase = await w.as.resp_zf.post('/api/cases', { post_ids: [id.zfPost] });
      assert.equal(zfCase.status, 201, JSON.stringify(zfCase.body));
      id.zfCase = zfCase.body.id;
      assert.equal((await w.as.office.post(`/api/cases/${id.zfCase}/assign`, { lead_department_id: w.depts.zfk })).status, 200);
      id.sharedCase = (await w.as.office.post('/api/cases', { title: '全局性舆情：供暖收费', lead_department_id: w.depts.office })).body.id;
      for (const [k, v] of Object.entries(id)) assert.ok(v, `fixture ${k}`);
    });
    after(async () => {
      await w.close();
      await drop();
    });

    test("opening a case from another department's post or event answers as if it did not exist", async () => {
      const cases = await count('cases');
      const byPost = await w.as.resp_zf.post('/api/cases', { post_ids: [id.jsFree] });
      sameAsMissing(byPost, await w.as.resp_zf.post('/api/cases', { post_ids: [MISSING] }), id.jsFree);
      assert.ok(!JSON.stringify(byPost.body).includes('建设科'), JSON.stringify(byPost.body));
      sameAsMissing(await w.as.resp_zf.post('/api/cases', { event_id: id.jsEvent }), await w.as.resp_zf.post('/api/cases', { event_id: MISSING }), id.jsEvent);
      const viaEvent = await w.as.resp_zf.post('/api/cases', { event_id: id.jsEvent, title: '借事件立案' });
      assert.ok(!JSON.stringify(viaEvent.body).includes('建设科'), JSON.stringify(viaEvent.body));
      assert.equal(await count('cases'), cases, 'no case opened');
    });

    test("another department's post does not join one's own case", async () => {
      const before = await count('case_posts');
      sameAsMissing(await w.as.resp_zf.post(`/api/cases/${id.zfCase}/posts`, { post_ids: [id.jsEventPost] }), await w.as.resp_zf.post(`/api/cases/${id.zfCase}/posts`, { post_ids: [MISSING] }), id.jsEventPost);
      assert.equal(await count('case_posts'), before);
      const detail = await w.as.resp_zf.get(`/api/cases/${id.zfCase}`);
      assert.ok(!JSON.stringify(detail.body).includes('建设科事件中的帖子'));
    });

    test("a case is opened in one's own ledger only, never another department's or the office's", async () => {
      const cases = await count('cases');
      for (const lead of [w.depts.jsk, w.depts.office]) {
        const res = await w.as.resp_zf.post('/api/cases', { title: '替别的科室立案', lead_department_id: lead, level: 'red', emergency: true });
        assert.equal(res.status, 403, JSON.stringify(res.body));
      }
      const byHead = await w.as.head_js.post('/api/cases', { title: '替住房科立案', lead_department_id: w.depts.zfk });
      assert.equal(byHead.status, 403, JSON.stringify(byHead.body));
      assert.equal(await count('cases'), cases, 'no case (and no deadline) in another ledger');
      const own = await w.as.resp_zf.post('/api/cases', { title: '本科室立案', lead_department_id: w.depts.zfk });
      assert.equal(own.status, 201, 'their own department is fine');
      assert.equal((await w.as.office.post('/api/cases', { title: '办公室替建设科立案', lead_department_id: w.depts.jsk })).status, 201, 'the office opens for anyone');
    });

    test('a post already in a case one may not see is refused without naming that case', async () => {
      const res = await w.as.resp_zf.post('/api/cases', { post_ids: [id.jsShared] });
      assert.equal(res.status, 409);
      assert.ok(!JSON.stringify(res.body).includes(String(id.jsNumber)), JSON.stringify(res.body));
      assert.match(res.body.error.message, /已在其他处置单中/);
      const seen = await w.as.resp_js.post('/api/cases', { post_ids: [id.jsShared] });
      assert.match(seen.body.error.message, new RegExp(id.jsNumber as unknown as string), 'who may see the case is told its number');
    });

    test('only those working on a case rate it', async () => {
      const before = await db.kysely.selectFrom('case_events').select('id').where('kind', '=', 'rating').execute();
      for (const c of [id.sharedCase, id.jsCase]) assert.equal((await w.as.resp_zf.post(`/api/cases/${c}/rating`, { score: 1 })).status, 403);
      assert.equal((await w.as.resp_zf.post(`/api/cases/${id.zfCase}/rating`, { score: 5 })).status, 200);
      const after = await db.kysely.selectFrom('case_events').select('case_id').where('kind', '=', 'rating').execute();
      assert.deepEqual(after.slice(before.length).map((r) => r.case_id), [id.zfCase]);
    });

    test("a commitment's department and owner are the case's", async () => {
      const before = await count('commitments');
      const due = new Date(Date.now() + 86_400_000).toISOString();
      const otherDept = await w.as.resp_zf.post(`/api/cases/${id.zfCase}/commitments`, { what: '建设科负责', department_id: w.depts.jsk, due_at: due });
      assert.equal(otherDept.status, 400, JSON.stringify(otherDept.body));
      const outsider = await w.as.resp_zf.post(`/api/cases/${id.zfCase}/commitments`, { what: '建设科网评员负责', owner_id: w.users.resp_js, due_at: due });
      sameAsMissing(outsider, await w.as.resp_zf.post(`/api/cases/${id.zfCase}/commitments`, { what: '不存在的人', owner_id: MISSING, due_at: due }), w.users.resp_js);
      const byOffice = await w.as.office.post(`/api/cases/${id.zfCase}/commitments`, { what: '建设科网评员负责', owner_id: w.users.resp_js, due_at: due });
      assert.equal(byOffice.status, 400, 'the office too: the owner must see the case');
      assert.match(byOffice.body.error.message, /无权查看该处置单/);
      assert.equal(await count('commitments'), before);
      assert.equal((await w.as.resp_zf.post(`/api/cases/${id.zfCase}/commitments`, { what: '本科负责', owner_id: w.users.resp_zf, department_id: w.depts.zfk, due_at: due })).status, 201);
    });

    test("acknowledging (which stops escalation for the whole matter) is for one's own department's alerts", async () => {
      await insertChannel(db, '全局群', null);
      const notice = (key: string, departmentId: number | null, caseId?: number) =>
        db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: caseId ? 'case.escalated' : 'post', key, level: 'orange', title: `预警 ${key}`, body: '正文', departmentId, caseId, officeOnly: !!caseId }));
      const [shared] = await notice('post:shared|rule:x', null);
      const [aboutJsCase] = await notice(`case.escalated|case:${id.jsCase}`, null, id.jsCase);
      const [own] = await notice('post:own|rule:x', w.depts.zfk);
      assert.equal((await w.as.resp_zf.get(`/api/alerts/${shared}`)).status, 200, 'a shared alert is seen');
      assert.equal((await w.as.resp_zf.post(`/api/alerts/${shared}/ack`)).status, 403, '… not acknowledged for everyone');
      assert.equal((await w.as.resp_zf.get(`/api/alerts/${aboutJsCase}`)).status, 403, "an alert about another department's case is not seen");
      assert.ok(!(await w.as.resp_zf.get('/api/alerts')).body.some((a: { id: number }) => a.id === aboutJsCase));
      assert.equal((await w.as.resp_zf.post(`/api/alerts/${aboutJsCase}/ack`)).status, 403);
      const acked = await db.kysely.selectFrom('alerts').select('id').where('acknowledged_at', 'is not', null).execute();
      assert.deepEqual(acked, [], 'nothing acknowledged');
      assert.equal((await w.as.resp_zf.post(`/api/alerts/${own}/ack`)).status, 200);
      assert.equal((await w.as.office.post(`/api/alerts/${shared}/ack`)).status, 200, 'the office acknowledges shared ones');
    });

    test("importing into another department's source answers as if it did not exist", async () => {
      const now = new Date().toISOString();
      const jsSource = (
        await db.kysely
          .insertInto('sources')
          .values({ name: '建设科热线导入', kind: 'import', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: w.depts.jsk, paused: 0, error_streak: 0, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const upload = async (sourceId: number) => {
        const form = new FormData();
        form.set('file', new Blob(['标题,正文\n冒名导入的帖子,冒名导入进建设科的正文内容\n'], { type: 'text/csv' }), 'x.csv');
        const res = await fetch(`${w.server.url}/api/sources/${sourceId}/import`, { method: 'POST', headers: { cookie: w.as.resp_zf.cookie, 'x-csrf-token': w.as.resp_zf.csrf }, body: form });
        return { status: res.status, body: await res.json() };
      };
      const posts = await count('posts');
      const foreign = await upload(jsSource);
      sameAsMissing(foreign, await upload(MISSING), jsSource);
      assert.ok(!JSON.stringify(foreign.body).includes('建设科'));
      assert.equal(await count('posts'), posts, 'nothing stored in the other department');
      assert.equal((await w.as.resp_zf.get(`/api/sources/${jsSource}`)).status, 404);
    });

    test("another department's responder account answers as if it did not exist", async () => {
      const account = await w.as.resp_js.post('/api/responder-accounts', { site: '127.0.0.1', username: '建设科马甲' });
      assert.equal(account.status, 201);
      const draft = await w.as.resp_zf.post(`/api/cases/${id.zfCase}/responses`, { situation: '经现场核实情况属实', measures: '已安排维修' });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      assert.equal((await w.as.resp_zf.post(`/api/responses/${draft.body.id}/submit`)).status, 200);
      assert.equal((await w.as.leader.post(`/api/responses/${draft.body.id}/approve`, {})).status, 200);
      const url = 'http://127.0.0.1/thread/1#reply';
      const foreign = await w.as.resp_zf.post(`/api/responses/${draft.body.id}/posted`, { url, responder_account_id: account.body.id });
      sameAsMissing(foreign, await w.as.resp_zf.post(`/api/responses/${draft.body.id}/posted`, { url, responder_account_id: MISSING }), account.body.id);
      assert.ok(!JSON.stringify(foreign.body).includes('建设科马甲'));
      assert.equal((await db.kysely.selectFrom('responses').select('status').where('id', '=', draft.body.id).executeTakeFirstOrThrow()).status, 'approved');
    });
  });
}
