import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { caseDetail } from '../../src/cases/ledger.ts';
import { classifyFeedback } from '../../src/cases/feedback.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import { verifyResponses } from '../../src/cases/verify.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertChannel, insertPost, insertSource } from './helpers.ts';

/** A department's three-part reply as recorded in Minsheng. */
const REPLY = [
  '网友您好！感谢您对建设科工作的关注和监督。',
  '经核实，阳光小区门前道路为雨污分流改造工程，因地下管线迁改延误了工期。目前管线迁改已完成，施工单位将于12月15日前恢复路面。',
  '如您还有其他疑问或建议，欢迎与建设科联系，联系电话：0571-81234567。',
].join('\n\n');

/** A statement in the bureau's name, posted as a thread of its own. */
const STATEMENT = [
  '关于沿港西路改建工程推进情况的说明',
  '沿港西路改建工程于今年3月开工，因管线迁改延误，计划于12月底前完成主线路面施工。',
  '岱山建设\n2026-11-24',
].join('\n\n');

for (const tdb of testDatabases) {
  describe(`reply verification [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let depts: Record<string, number>;
    let users: Record<string, number>;
    let sourceId: number;
    let postId: number;
    let caseId: number;
    let responseId: number;
    const accounts: Record<string, number> = {};
    const postedAt = '2026-11-24T03:00:00.000Z';
    let seq = 0;

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      depts = await seedOrg(db);
      ctx = createContext(db, loadConfig({}), createLogger('silent'));
      await insertChannel(db, '建设科群', depts.jsk);
      sourceId = await insertSource(db);
      postId = await insertPost(db, sourceId, { departmentId: depts.jsk });
      caseId = await openCase(postId, depts.jsk);
      await db.kysely.updateTable('cases').set({ state: 'replied', replied_at: postedAt }).where('id', '=', caseId).execute();
      users = Object.fromEntries((await db.kysely.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
      for (const [u, name] of [['resp_js', '建设科小李'], ['resp_zf', '住房科小张'], ['office1', '岱山建设']] as const) {
        accounts[u] = (await db.kysely.insertInto('responder_accounts').values({ user_id: users[u], site: '127.0.0.1', username: name, created_at: postedAt }).returning('id').executeTakeFirstOrThrow()).id;
      }
      responseId = await recorded(caseId, { body: REPLY, posted_at: postedAt, department_id: depts.jsk });
    });
    after(async () => drop());

    async function openCase(post: number, lead: number | null): Promise<number> {
      const c = await db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [post], ...(lead ? { lead_department_id: lead } : {}) }, { foundAt: '2026-11-24T02:00:00Z' }));
      return c.id;
    }

    async function recorded(c: number, r: { body: string; posted_at: string; department_id: number | null; kind?: 'reply' | 'statement'; url?: string; account?: number }): Promise<number> {
      return (
        await db.kysely
          .insertInto('responses')
          .values({ case_id: c, kind: r.kind ?? 'reply', body: r.body, department_id: r.department_id, responder_account_id: r.account ?? null, status: 'posted', url: r.url ?? (await threadUrl(c)), drafted_at: r.posted_at, posted_at: r.posted_at, attachments: '[]', updated_at: r.posted_at })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }

    async function threadUrl(c: number): Promise<string> {
      const p = await db.kysely.selectFrom('case_posts').innerJoin('posts', 'posts.id', 'case_posts.post_id').select('posts.url').where('case_posts.case_id', '=', c).orderBy('posts.id').executeTakeFirstOrThrow();
      return `${p.url}#pid${++seq}`;
    }

    async function reply(post: number, author: string, at: string, account: number | null, text: string) {
      seq++;
      return (await db.kysely.insertInto('post_replies').values({ post_id: post, external_id: `r${seq}`, author, text, published_at: at, fetched_at: at, responder_account_id: account }).returning('id').executeTakeFirstOrThrow()).id;
    }

    test("a reply long before the record, by another department's account, or with other text does not verify", async () => {
      await reply(postId, '建设科小李', '2026-11-23T01:00:00.000Z', accounts.resp_js, REPLY);
      await reply(postId, '住房科小张', '2026-11-24T03:10:00.000Z', accounts.resp_zf, REPLY);
      await reply(postId, '建设科小李', '2026-11-24T03:20:00.000Z', accounts.resp_js, '请楼主留下联系方式，我们上门核实。');
      const r = await verifyResponses(ctx, caseId, new Date('2026-11-24T04:00:00Z'));
      assert.equal(r.checked, 1);
      assert.deepEqual(r.verified, []);
      assert.deepEqual(r.warned, [], 'not yet past the allowed time');
      assert.equal(r.found.length, 2, "the replies outside the recorded one's window are recorded as found (the other department's too); those in it are left to it");
    });

    test('a reply still missing after the allowed hours raises one warning, saying how close the nearest came', async () => {
      const r = await verifyResponses(ctx, undefined, new Date('2026-11-24T09:01:00Z'));
      assert.deepEqual(r.warned, [responseId]);
      const again = await verifyResponses(ctx, undefined, new Date('2026-11-24T10:00:00Z'));
      assert.deepEqual(again.warned, [], 'warned once');
      const alerts = await db.kysely.selectFrom('alerts').select(['kind', 'title']).where('case_id', '=', caseId).execute();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0].kind, 'case.unverified');
      assert.match(alerts[0].title, /回复未见/);
      const note = await db.kysely.selectFrom('case_events').select('comment').where('case_id', '=', caseId).where('kind', '=', 'unverified').executeTakeFirstOrThrow();
      assert.match(note.comment ?? '', /^最接近的一条：账号“建设科小李”（2026-11-24 11:20）/);
    });

    test('the reply appearing later still verifies the response', async () => {
      const id = await reply(postId, '建设科小李', '2026-11-24T11:00:00.000Z', accounts.resp_js, `${REPLY.replace(/\n+/g, ' ')}\n\n——发自手机版`);
      const r = await verifyResponses(ctx, caseId, new Date('2026-11-24T11:05:00Z'));
      assert.deepEqual(r.verified, [responseId]);
      const row = await db.kysely.selectFrom('responses').select(['verified_at', 'verification']).where('id', '=', responseId).executeTakeFirstOrThrow();
      assert.equal(row.verified_at, '2026-11-24T11:05:00.000Z');
      const v = JSON.parse(row.verification!);
      assert.equal(v.account, '建设科小李');
      assert.equal(v.post_reply_id, id);
      assert.equal((await verifyResponses(ctx, caseId)).checked, 0, 'verified responses are not checked again');
    });

    test('the natural order: posted on the forum first (shown to the minute, or the date only), recorded afterwards', async () => {
      const p1 = await insertPost(db, sourceId, { departmentId: depts.jsk });
      const c1 = await openCase(p1, depts.jsk);
      // Posted at 10:20 Beijing time; the forum shows "2026-11-25 10:20"; recorded at 10:23:41.
      await reply(p1, '建设科小李', '2026-11-25T02:20:00.000Z', accounts.resp_js, REPLY);
      const r1 = await recorded(c1, { body: REPLY, posted_at: '2026-11-25T02:23:41.000Z', department_id: depts.jsk });
      // The forum shows "2026-11-25" only; recorded at 15:00 the same day.
      const p2 = await insertPost(db, sourceId, { departmentId: depts.jsk });
      const c2 = await openCase(p2, depts.jsk);
      await reply(p2, '建设科小李', '2026-11-24T16:00:00.000Z', accounts.resp_js, REPLY);
      const r2 = await recorded(c2, { body: REPLY, posted_at: '2026-11-25T07:00:00.000Z', department_id: depts.jsk });
      const res1 = await verifyResponses(ctx, c1, new Date('2026-11-25T08:00:00Z'));
      const res2 = await verifyResponses(ctx, c2, new Date('2026-11-25T08:00:00Z'));
      assert.deepEqual(res1.verified, [r1], 'a reply shown a few minutes before the recorded time is the one recorded');
      assert.deepEqual(res2.verified, [r2], 'a reply shown with its date only is the one recorded that day');
      assert.deepEqual(res1.found, [], 'the recorded response stands for the reply: nothing is recorded twice');
      assert.equal(JSON.parse((await db.kysely.selectFrom('responses').select('verification').where('id', '=', r2).executeTakeFirstOrThrow()).verification!).seen_at, '2026-11-24T16:00:00.000Z');
    });

    test('a statement posted as a thread of its own (the record names its URL) is verified, and the thread joins the case', async () => {
      const p = await insertPost(db, sourceId, { departmentId: depts.jsk });
      const c = await openCase(p, depts.jsk);
      const url = 'http://127.0.0.1/forum.php?mod=viewthread&tid=8801';
      const thread = await db.kysely
        .insertInto('posts')
        .values({ source_id: sourceId, external_id: 'tid8801', dedup_key: 'tid8801', url, title: '关于沿港西路改建工程推进情况的说明', text: STATEMENT.split('\n\n').slice(1).join('\n'), author: '岱山建设', published_at: '2026-11-26T01:05:00.000Z', fetched_at: '2026-11-26T01:30:00.000Z', updated_at: '2026-11-26T01:30:00.000Z', views: 0, replies_count: 0, likes: 0, reposts: 0, abuse: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const s = await recorded(c, { kind: 'statement', body: STATEMENT, posted_at: '2026-11-26T01:10:00.000Z', department_id: depts.office, url: `${url}&extra=page%3D1#pid1`, account: accounts.office1 });
      const res = await verifyResponses(ctx, c, new Date('2026-11-26T02:00:00Z'));
      assert.deepEqual(res.verified, [s]);
      const v = JSON.parse((await db.kysely.selectFrom('responses').select('verification').where('id', '=', s).executeTakeFirstOrThrow()).verification!);
      assert.equal(v.post_reply_id, null);
      assert.equal(v.post_id, thread.id);
      assert.equal(v.account, '岱山建设');
      const linked = await db.kysely.selectFrom('case_posts').select('post_id').where('case_id', '=', c).execute();
      assert.deepEqual(linked.map((l) => l.post_id).sort((a, b) => a - b), [p, thread.id].sort((a, b) => a - b), "the statement's 跟帖 are followed too");
    });

    test("a registered account's reply found by collection on an untriaged case records the reply and moves the case to 已回复", async () => {
      const p = await insertPost(db, sourceId, { departmentId: null });
      const c = await openCase(p, null);
      assert.equal((await db.kysely.selectFrom('cases').select('state').where('id', '=', c).executeTakeFirstOrThrow()).state, 'triage');
      const id = await reply(p, '建设科小李', '2026-11-27T02:00:00.000Z', accounts.resp_js, REPLY);
      await reply(p, '路人乙', '2026-11-27T02:05:00.000Z', null, '同问');
      const res = await verifyResponses(ctx, c, new Date('2026-11-27T02:30:00Z'));
      assert.equal(res.found.length, 1);
      const row = await db.kysely.selectFrom('responses').selectAll().where('id', '=', res.found[0]).executeTakeFirstOrThrow();
      assert.equal(row.origin, 'collected');
      assert.equal(row.status, 'posted');
      assert.equal(row.department_id, depts.jsk);
      assert.equal(row.responder_account_id, accounts.resp_js);
      assert.equal(JSON.parse(row.verification!).post_reply_id, id);
      const after = await db.kysely.selectFrom('cases').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
      assert.equal(after.state, 'replied');
      assert.equal(after.replied_at, '2026-11-27T02:00:00.000Z');
      assert.equal(after.lead_department_id, depts.jsk, "the department that answered is the case's lead");
      const ev = await db.kysely.selectFrom('case_events').select(['kind', 'comment']).where('case_id', '=', c).where('kind', '=', 'replyFound').executeTakeFirstOrThrow();
      assert.match(ev.comment ?? '', /采集发现已登记账号“建设科小李”在原帖下的回复（2026-11-27 10:00）/);
      assert.deepEqual((await verifyResponses(ctx, c, new Date('2026-11-27T03:00:00Z'))).found, [], 'found once');
    });

    test('the same text posted twice on the thread: the reply closest to the recorded time is the one recorded', async () => {
      const p = await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-20T00:00:00.000Z' });
      const c = await openCase(p, depts.jsk);
      const early = await reply(p, '建设科小李', '2026-11-20T04:00:00.000Z', accounts.resp_js, REPLY);
      const late = await reply(p, '建设科小李', '2026-11-21T01:58:00.000Z', accounts.resp_js, `${REPLY}\n（补充：已安排专人跟进）`);
      const r = await recorded(c, { body: REPLY, posted_at: '2026-11-21T02:05:00.000Z', department_id: depts.jsk });
      const res = await verifyResponses(ctx, c, new Date('2026-11-21T03:00:00Z'));
      assert.deepEqual(res.verified, [r]);
      const v = JSON.parse((await db.kysely.selectFrom('responses').select('verification').where('id', '=', r).executeTakeFirstOrThrow()).verification!);
      assert.equal(v.post_reply_id, late, 'the one 7 minutes before the record, not the identical one 22 hours before');
      assert.notEqual(v.post_reply_id, early);
    });

    test("another department's registered account answering on the thread answers the case, named as that department", async () => {
      const p = await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-22T00:00:00.000Z' });
      const c = await openCase(p, depts.jsk);
      await reply(p, '住房科小张', '2026-11-22T03:00:00.000Z', accounts.resp_zf, '网友您好，该小区的保障房分配问题由住房保障科负责，我们已联系物业上门处理。');
      const res = await verifyResponses(ctx, c, new Date('2026-11-22T03:30:00Z'));
      assert.equal(res.found.length, 1);
      const row = await db.kysely.selectFrom('responses').select(['department_id', 'origin', 'status']).where('id', '=', res.found[0]).executeTakeFirstOrThrow();
      assert.deepEqual(row, { department_id: depts.zfk, origin: 'collected', status: 'posted' });
      const after = await db.kysely.selectFrom('cases').select(['state', 'lead_department_id', 'replied_at']).where('id', '=', c).executeTakeFirstOrThrow();
      assert.deepEqual(after, { state: 'replied', lead_department_id: depts.jsk, replied_at: '2026-11-22T03:00:00.000Z' }, 'the case is answered; its lead stays');
      const ev = await db.kysely.selectFrom('case_events').select(['comment', 'data']).where('case_id', '=', c).where('kind', '=', 'replyFound').executeTakeFirstOrThrow();
      assert.equal(ev.comment, '采集发现住房保障科的已登记账号“住房科小张”在原帖下的回复（2026-11-22 11:00），已登记为本处置单的回复（由住房保障科答复，非主办部门）');
      assert.equal(JSON.parse(ev.data!).department_id, depts.zfk);
    });

    test('an approved response posted on the forum before anyone recorded it is marked posted by collection', async () => {
      const p = await insertPost(db, sourceId, { departmentId: depts.jsk });
      const c = await openCase(p, depts.jsk);
      await db.kysely.updateTable('cases').set({ state: 'awaiting_approval' }).where('id', '=', c).execute();
      const approved = (
        await db.kysely
          .insertInto('responses')
          .values({ case_id: c, kind: 'reply', body: REPLY, department_id: depts.jsk, status: 'approved', drafted_at: '2026-11-28T01:00:00.000Z', attachments: '[]', updated_at: '2026-11-28T01:00:00.000Z' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await reply(p, '建设科小李', '2026-11-28T02:00:00.000Z', accounts.resp_js, REPLY);
      const res = await verifyResponses(ctx, c, new Date('2026-11-28T02:30:00Z'));
      assert.deepEqual(res.found, [approved]);
      const row = await db.kysely.selectFrom('responses').select(['status', 'origin', 'posted_at', 'verified_at']).where('id', '=', approved).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'posted', origin: 'recorded', posted_at: '2026-11-28T02:00:00.000Z', verified_at: '2026-11-28T02:30:00.000Z' });
      assert.equal((await db.kysely.selectFrom('cases').select('state').where('id', '=', c).executeTakeFirstOrThrow()).state, 'replied');
    });

    test('what people wrote after our reply is read once: 满意/认可, 继续追问, 升级苗头 (which alerts the department)', async () => {
      const p = await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-29T00:30:00.000Z' });
      const c = await openCase(p, depts.jsk);
      await reply(p, '路人丙', '2026-11-29T01:00:00.000Z', null, '什么时候能修好？都半年了');
      await reply(p, '建设科小李', '2026-11-29T02:00:00.000Z', accounts.resp_js, REPLY);
      await reply(p, '楼主', '2026-11-29T03:00:00.000Z', null, '谢谢建设科，回复很及时，辛苦了');
      await reply(p, '路人丙', '2026-11-29T03:10:00.000Z', null, '还是没说清楚到底哪天通车？');
      await reply(p, '业主甲', '2026-11-29T03:20:00.000Z', null, '月底前再不修好，我们就组织业主去市里拉横幅');
      const res = await verifyResponses(ctx, c, new Date('2026-11-29T04:00:00Z'));
      assert.equal(res.found.length, 1);
      assert.equal(res.feedback, 3, 'the three 跟帖 after our reply; the one before it and our own are not feedback');
      const detail = await caseDetail(db.kysely, cliActor(), c);
      assert.deepEqual(detail.feedback.counts, { satisfied: 1, asking: 1, escalating: 1, neutral: 0 });
      const esc = detail.feedback.items.find((i) => i.class === 'escalating')!;
      assert.deepEqual(esc.cues.sort(), ['拉横幅', '组织业主', '去市里'].sort());
      const alerts = await db.kysely.selectFrom('alerts').select(['kind', 'title', 'department_id']).where('case_id', '=', c).execute();
      assert.deepEqual(alerts.map((a) => a.kind), ['case.feedback']);
      assert.match(alerts[0].title, /^【升级苗头】/);
      assert.equal(alerts[0].department_id, depts.jsk);
      assert.equal((await verifyResponses(ctx, c, new Date('2026-11-29T05:00:00Z'))).feedback, 0, 'each item is read once');
    });

    test('the feedback classes: the strongest wins, a negated cue does not count', () => {
      assert.equal(classifyFeedback('谢谢，已经修好了', null, false).class, 'satisfied');
      assert.equal(classifyFeedback('谢谢，但到底什么时候修？', null, false).class, 'asking');
      assert.equal(classifyFeedback('我们不会去上访的，谢谢', null, false).class, 'satisfied');
      assert.equal(classifyFeedback('不满意，打官话', null, false).class, 'asking');
      assert.equal(classifyFeedback('再拖下去就找媒体曝光', null, false).class, 'escalating');
      assert.equal(classifyFeedback('路过', null, false).class, 'neutral');
      assert.equal(classifyFeedback('路过', 'negative', false).class, 'asking');
      // A channel named as history is no threat; named after a threat or a demand it is (eval-feedback: 12345 and 维权 were most false alarms).
      assert.equal(classifyFeedback('之前打过12345，维权多年，路还是没修好', null, false).class, 'asking');
      assert.equal(classifyFeedback('下周再不修，我们就打12345', null, false).class, 'escalating');
      assert.equal(classifyFeedback('否则只能起诉开发商', null, false).class, 'escalating');
      assert.equal(classifyFeedback('业主们多次集体上访无果', null, false).class, 'escalating');
      // Courtesy around a request still open is not satisfaction.
      assert.equal(classifyFeedback('恳请领导督促解决，给我们一个满意的答复，谢谢！', null, false).class, 'asking');
      assert.equal(classifyFeedback('感谢各位领导，我反映的问题已经解决了，谢谢！', null, false).class, 'satisfied');
    });
  });
}
