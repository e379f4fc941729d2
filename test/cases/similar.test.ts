import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { normalizePost } from '../../src/analyze/text/normalize.ts';
import { createSegmenter } from '../../src/analyze/text/segment.ts';
import { indexSimilarCases } from '../../src/cases/similar.ts';
import { testDatabases } from '../helpers/db.ts';
import type { ApiClient } from '../helpers/server.ts';
import { caseWorld, insertPost, insertSource, type CaseWorld } from './helpers.ts';

/**
 * Past cases at hand (issue 21, point 1): answered cases like a post or a case, with their approved
 * reply, found from the words the analysis segmented; scoped by who asks; a past reply starts a draft.
 */
const ROAD = { title: '幸福路道路施工半年未完工', text: '幸福路挖开施工已经半年，道路坑洼，沥青一直没有铺，居民出行和车辆通行非常不便，请尽快完工。' };
const ROAD_AGAIN = { title: '幸福路施工什么时候完工', text: '幸福路道路施工迟迟不完工，路面坑洼，沥青还没铺，出行不便，请问工期到底多久？' };
const NOISE = { title: '夜宵摊噪音扰民', text: '小区楼下夜宵摊每天营业到凌晨三点，噪音油烟严重扰民，居民无法休息。' };
const ROAD_ZF = { title: '幸福路安置房周边道路施工', text: '幸福路安置房周边道路施工拖延未完工，沥青路面没有铺好，坑洼不平，住户出行不便。' };

for (const tdb of testDatabases) {
  describe(`similar past cases [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;
    let sourceId: number;
    const seg = createSegmenter();
    const ids: Record<string, number> = {};

    async function post(p: { title: string; text: string }, departmentId: number): Promise<number> {
      const id = await insertPost(db, sourceId, { ...p, departmentId });
      await db.kysely.updateTable('posts').set({ segmented: seg.cut(normalizePost(p)).join(' ') }).where('id', '=', id).execute();
      return id;
    }

    /** A case opened by the office, drafted by `drafter`, approved by `approver` and posted: 已回复. */
    async function answered(p: { title: string; text: string }, dept: number, drafter: ApiClient, approver: ApiClient, situation: string): Promise<{ caseId: number; postId: number; responseId: number }> {
      const postId = await post(p, dept);
      const c = await w.as.office.post('/api/cases', { post_ids: [postId] });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      assert.equal((await w.as.office.post(`/api/cases/${c.body.id}/assign`, { lead_department_id: dept })).status, 200);
      const r = await drafter.post(`/api/cases/${c.body.id}/responses`, { situation, measures: '已责令施工单位加快进度，本月底前完成路面铺设' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await drafter.post(`/api/responses/${r.body.id}/submit`)).status, 200);
      assert.equal((await approver.post(`/api/responses/${r.body.id}/approve`, {})).status, 200);
      const posted = await drafter.post(`/api/responses/${r.body.id}/posted`, { url: `http://127.0.0.1/thread/${postId}#reply` });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      return { caseId: c.body.id, postId, responseId: r.body.id };
    }

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      w = await caseWorld(db);
      sourceId = await insertSource(db);
      const road = await answered(ROAD, w.depts.jsk, w.as.resp_js, w.as.head_js, '经现场核实，幸福路施工因管线迁改延误');
      const noise = await answered(NOISE, w.depts.jsk, w.as.resp_js, w.as.head_js, '经核实，该夜宵摊已由城管部门劝导整改');
      const zf = await answered(ROAD_ZF, w.depts.zfk, w.as.resp_zf, w.as.leader, '住房保障科：安置房周边道路由施工单位负责');
      Object.assign(ids, { roadCase: road.caseId, roadReply: road.responseId, noiseCase: noise.caseId, zfCase: zf.caseId, zfReply: zf.responseId, zfPost: zf.postId });
      // An open case (not answered) about the same road never comes back as a past case.
      const openPost = await post(ROAD, w.depts.jsk);
      ids.openCase = (await w.as.office.post('/api/cases', { post_ids: [openPost] })).body.id;
      ids.newPost = await post(ROAD_AGAIN, w.depts.jsk);
      assert.equal(await indexSimilarCases(db.kysely), 3);
    });
    after(async () => {
      await w.close();
      await drop();
    });

    test('a new post finds the answered case of the same matter first, with its approved reply, outcome and department', async () => {
      const res = await w.as.office.get(`/api/posts/${ids.newPost}/similar-cases`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const cases = res.body.cases as { id: number; department: string; reply: { id: number; body: string } | null; shared_words: string[]; score: number; state: string }[];
      assert.ok(res.body.words.includes('沥青'), JSON.stringify(res.body.words));
      assert.equal(cases[0].id, ids.roadCase);
      assert.equal(cases[0].department, '建设科');
      assert.equal(cases[0].state, 'replied');
      assert.equal(cases[0].reply?.id, ids.roadReply);
      assert.match(cases[0].reply?.body ?? '', /管线迁改/);
      assert.ok(cases[0].shared_words.includes('幸福') && cases[0].shared_words.includes('沥青'), JSON.stringify(cases[0].shared_words));
      // The other department's road case is the office's second; the noise case shares too little to rank above it.
      assert.equal(cases[1].id, ids.zfCase);
      const noise = cases.find((c) => c.id === ids.noiseCase);
      assert.ok(!noise || noise.score < cases[1].score);
      assert.ok(!cases.some((c) => c.id === ids.openCase), 'an open case is not a past case');
    });

    test('a case finds the others, never itself', async () => {
      const res = await w.as.office.get(`/api/cases/${ids.openCase}/similar-cases?limit=2`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.cases.map((c: { id: number }) => c.id),
        [ids.roadCase, ids.zfCase],
      );
      const own = await w.as.office.get(`/api/cases/${ids.roadCase}/similar-cases`);
      assert.ok(!own.body.cases.some((c: { id: number }) => c.id === ids.roadCase));
    });

    test("a responder sees only their department's and the office's past cases, and is refused another department's post and case", async () => {
      const mine = await w.as.resp_js.get(`/api/posts/${ids.newPost}/similar-cases`);
      assert.equal(mine.status, 200);
      const seen = mine.body.cases.map((c: { id: number }) => c.id);
      assert.equal(seen[0], ids.roadCase);
      assert.ok(!seen.includes(ids.zfCase), 'the other department’s case stays hidden');
      assert.ok(!JSON.stringify(mine.body).includes('安置房'));
      assert.equal((await w.as.resp_js.get(`/api/posts/${ids.zfPost}/similar-cases`)).status, 403);
      assert.equal((await w.as.resp_js.get(`/api/cases/${ids.zfCase}/similar-cases`)).status, 403);
      assert.equal((await w.as.resp_js.get('/api/posts/999999/similar-cases')).status, 404);
    });

    test('以此为起点: a past approved reply starts a new draft, audited with where it came from', async () => {
      const c = await w.as.office.post('/api/cases', { post_ids: [ids.newPost] });
      await w.as.office.post(`/api/cases/${c.body.id}/assign`, { lead_department_id: w.depts.jsk });
      const past = (await w.as.resp_js.get(`/api/responses/${ids.roadReply}`)).body;
      const draft = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { from_response: ids.roadReply });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      assert.equal(draft.body.status, 'draft');
      assert.equal(draft.body.body, past.body);
      assert.equal(draft.body.drafted_by, w.users.resp_js);
      const audit = await db.kysely.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'response').where('entity_id', '=', String(draft.body.id)).executeTakeFirstOrThrow();
      assert.equal(audit.action, 'response.draft');
      assert.equal(JSON.parse(audit.after ?? '{}').from_response, ids.roadReply);
      // Another department's reply is refused as its case is; a reply not approved cannot be a starting point.
      const foreign = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { from_response: ids.zfReply });
      assert.equal(foreign.status, 403);
      assert.ok(!JSON.stringify(foreign.body).includes('安置房'));
      const notApproved = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { from_response: draft.body.id });
      assert.equal(notApproved.status, 409);
      assert.match(notApproved.body.error.message, /已审核通过/);
    });

    test('the index catches up with a case answered later and with a case changed since', async () => {
      assert.equal(await indexSimilarCases(db.kysely), 0);
      await db.kysely.updateTable('cases').set({ updated_at: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', ids.noiseCase).execute();
      assert.equal(await indexSimilarCases(db.kysely), 1);
      const terms = await db.kysely.selectFrom('case_term_index').select('terms').where('case_id', '=', ids.noiseCase).executeTakeFirstOrThrow();
      assert.ok(terms.terms > 3);
    });
  });
}
