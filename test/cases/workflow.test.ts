import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { followUpThreads } from '../../src/collect/followup.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import type { ApiClient } from '../helpers/server.ts';
import { caseWorld, docxText, insertChannel, insertPost, insertSource, type CaseWorld } from './helpers.ts';
import { localDate } from '../../src/time/calendar.ts';
import { localDateTime } from '../../src/time/format.ts';

async function download(c: ApiClient, path: string): Promise<{ status: number; type: string; buf: Buffer }> {
  const res = await fetch(c.base + path, { headers: { cookie: c.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', buf: Buffer.from(await res.arrayBuffer()) };
}

for (const tdb of testDatabases) {
  describe(`a case walked through the API by each role [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;
    let thread: Server;
    let threadUrl: string;
    let postId: number;
    let caseId: number;
    let responseId: number;
    const threadReplies: { id: number; author: string; at: string; text: string }[] = [];

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      w = await caseWorld(db);
      // The forum thread the case is about, on a loopback server; replies appear as the test posts them.
      thread = createServer((req, res) => {
        if (req.url !== '/thread/1') {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const replies = threadReplies.map((r) => `<div class="reply" id="p${r.id}"><span class="author">${r.author}</span><span class="time">${r.at}</span><div class="text">${r.text}</div></div>`);
        res.end(`<html><body><h1>阳光小区门前道路施工半年未完工</h1><div class="body">道路挖开半年了。</div>${replies.join('')}</body></html>`);
      });
      await new Promise<void>((r) => thread.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(thread.address() as AddressInfo).port}`;
      threadUrl = `${base}/thread/1`;
      await insertChannel(db, '领导群', null, 'leaders');
      await insertChannel(db, '办公室群', w.depts.office);
      await insertChannel(db, '建设科群', w.depts.jsk);
      await insertChannel(db, '住房科群', w.depts.zfk);
      const sourceId = await insertSource(db, '本地论坛', `${base}/forum`, {
        list: { item: 'li', title: 'a', link: 'a@href' },
        detail: { title: 'h1', body: '.body', reply: '.reply', reply_id: '@id', reply_author: '.author', reply_body: '.text', reply_time: '.time' },
      });
      postId = await insertPost(db, sourceId, { url: threadUrl, departmentId: w.depts.jsk, level: 'yellow' });
    });
    after(async () => {
      await w.close();
      await new Promise((r) => thread.close(r));
      await drop();
    });

    test('the office opens a case from a post; the analysis suggestion is preselected with its reasons', async () => {
      const res = await w.as.office.post('/api/cases', { post_ids: [postId] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      caseId = res.body.id;
      assert.match(res.body.number, /^\d{4}-0001$/);
      assert.equal(res.body.state, 'triage');
      const detail = await w.as.office.get(`/api/cases/${caseId}`);
      assert.equal(detail.body.suggested_department.code, 'jsk');
      assert.deepEqual(detail.body.suggestion_reasons, ['规则“道路施工”指向建设科']);
      assert.deepEqual(detail.body.moves.sort(), ['assign', 'escalate']);
      assert.deepEqual((await w.as.resp_js.get(`/api/cases/${caseId}`)).body.moves, ['escalate'], 'a responder cannot route');
      assert.equal(detail.body.posts[0].id, postId);
    });

    test('the same post cannot open a second case', async () => {
      const res = await w.as.office.post('/api/cases', { post_ids: [postId] });
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /已在处置单 \d{4}-0001 中/);
    });

    test('a responder may not route; the office assigns the suggested lead and an assisting department', async () => {
      const denied = await w.as.resp_js.post(`/api/cases/${caseId}/assign`, {});
      assert.equal(denied.status, 403);
      const res = await w.as.office.post(`/api/cases/${caseId}/assign`, { assisting_department_ids: [w.depts.zfk] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.state, 'assigned');
      assert.equal(res.body.lead_department_id, w.depts.jsk);
      const notices = await db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['channels.name', 'alerts.title']).where('alerts.kind', '=', 'case.assigned').orderBy('alerts.id').execute();
      const seen = notices.map((n) => `${n.name}:${n.title.slice(0, 4)}`).sort();
      // 由你部门主办 / 协办 are for the departments named: the office, which routed the case, is not told again (issue 18).
      assert.deepEqual(seen, ['住房科群:【协办】', '建设科群:【分派】']);
      assert.match(notices.find((n) => n.name === '建设科群')!.title, /由你部门主办，答复期限 \d{4}-\d{2}-\d{2} 17:30$/);
      const detail = await w.as.resp_zf.get(`/api/cases/${caseId}`);
      assert.equal(detail.status, 200, 'the assisting department sees the case');
      assert.deepEqual(detail.body.assisting_departments.map((d: { code: string }) => d.code), ['zfk']);
    });

    test('the responder drafts from the three-part template, filled from the department record', async () => {
      const res = await w.as.resp_js.post(`/api/cases/${caseId}/responses`, {
        situation: '该路段为雨污分流改造工程，因地下管线迁改延误了工期',
        measures: '我科已督促施工单位增加人手，计划于12月20日前完工并恢复路面',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      responseId = res.body.id;
      assert.equal(res.body.kind, 'reply');
      assert.match(res.body.body, /^网友您好！感谢您对建设科工作的关注/);
      assert.match(res.body.body, /联系电话：0571-81230001/);
      const c = await w.as.resp_js.get(`/api/cases/${caseId}`);
      assert.equal(c.body.state, 'drafting');
    });

    test('a draft with a stock phrase is refused at submission with the phrase named', async () => {
      const current = (await w.as.resp_js.get(`/api/responses/${responseId}`)).body.body as string;
      const bad = current.replace('经了解，', '经了解，根据有关规定，');
      assert.equal((await w.as.resp_js.patch(`/api/responses/${responseId}`, { body: bad })).status, 200);
      const check = await w.as.resp_js.get(`/api/responses/${responseId}/check`);
      assert.equal(check.body.ok, false);
      assert.deepEqual(check.body.issues.map((i: { code: string }) => i.code), ['stock_phrase']);
      const submit = await w.as.resp_js.post(`/api/responses/${responseId}/submit`);
      assert.equal(submit.status, 400);
      assert.match(submit.body.error.message, /套话“根据有关规定”/);
      assert.equal((await w.as.resp_js.get(`/api/cases/${caseId}`)).body.state, 'drafting', 'nothing changed');
      assert.equal((await w.as.resp_js.patch(`/api/responses/${responseId}`, { body: current })).status, 200);
    });

    test('the responder submits; the office may not approve a department reply; the head returns it with a comment', async () => {
      const submit = await w.as.resp_js.post(`/api/responses/${responseId}/submit`);
      assert.equal(submit.status, 200, JSON.stringify(submit.body));
      assert.equal((await w.as.resp_js.get(`/api/cases/${caseId}`)).body.state, 'awaiting_approval');
      const byOffice = await w.as.office.post(`/api/responses/${responseId}/approve`, {});
      assert.equal(byOffice.status, 403);
      assert.match(byOffice.body.error.message, /本部门负责人/);
      const noComment = await w.as.head_js.post(`/api/responses/${responseId}/return`, {});
      assert.equal(noComment.status, 400);
      const ret = await w.as.head_js.post(`/api/responses/${responseId}/return`, { comment: '请写明具体完工日期和临时通行措施' });
      assert.equal(ret.status, 200);
      assert.equal(ret.body.status, 'returned');
      const detail = await w.as.resp_js.get(`/api/cases/${caseId}`);
      assert.equal(detail.body.state, 'returned');
      assert.equal(detail.body.responses[0].review_comment, '请写明具体完工日期和临时通行措施');
      const review = await db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['channels.name', 'alerts.title']).where('alerts.kind', '=', 'case.review').where('channels.name', '=', '建设科群').orderBy('alerts.id').execute();
      assert.deepEqual(review.map((r) => r.title.replace(/“.*”/, '“…”')), ['【待审核】处置单 ' + detail.body.number + '“…”的回复稿已提交，请本部门负责人审核', '【退回修改】处置单 ' + detail.body.number + '“…”的回复稿被退回：请写明具体完工日期和临时通行措施']);
    });

    test('an illegal move is refused with the state named and changes nothing', async () => {
      const before = await w.as.office.get(`/api/cases/${caseId}`);
      const res = await w.as.office.post(`/api/cases/${caseId}/follow`, {});
      assert.equal(res.status, 409);
      assert.equal(res.body.error.message, '当前状态“已退回”不能执行“转入跟踪”');
      const after = await w.as.office.get(`/api/cases/${caseId}`);
      assert.equal(after.body.state, 'returned');
      assert.equal(after.body.events.length, before.body.events.length);
    });

    test('the responder revises and resubmits; the head approves', async () => {
      const current = (await w.as.resp_js.get(`/api/responses/${responseId}`)).body.body as string;
      const revised = current.replace('恢复路面', '恢复路面，施工期间在小区东侧开设临时通道');
      assert.equal((await w.as.resp_js.patch(`/api/responses/${responseId}`, { body: revised })).status, 200);
      assert.equal((await w.as.resp_js.post(`/api/responses/${responseId}/submit`)).status, 200);
      const ok = await w.as.head_js.post(`/api/responses/${responseId}/approve`, { comment: '同意' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'approved');
      const twice = await w.as.head_js.post(`/api/responses/${responseId}/approve`, {});
      assert.equal(twice.status, 409);
    });

    test('a picture can be attached to the reply and downloaded again', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      const res = await w.as.resp_js.post(`/api/responses/${responseId}/attachments`, { filename: '现场.png', data_base64: png.toString('base64') });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.mime, 'image/png');
      const got = await download(w.as.resp_js, `/api/attachments/${res.body.id}`);
      assert.equal(got.status, 200);
      assert.ok(got.buf.equals(png));
      const notImage = await w.as.resp_js.post(`/api/responses/${responseId}/attachments`, { filename: 'a.png', data_base64: Buffer.from('<script>').toString('base64') });
      assert.equal(notImage.status, 400);
      assert.match(notImage.body.error.message, /只能是图片/);
    });

    test('the office records the posted reply with its URL and the responder account; the case is replied', async () => {
      const acc = await w.as.resp_js.post('/api/responder-accounts', { site: '127.0.0.1', username: '建设科小李' });
      assert.equal(acc.status, 201);
      const zfAcc = await w.as.resp_zf.post('/api/responder-accounts', { site: '127.0.0.1', username: '住房科小张' });
      const wrong = await w.as.office.post(`/api/responses/${responseId}/posted`, { url: threadUrl, responder_account_id: zfAcc.body.id });
      assert.equal(wrong.status, 400, 'an account of another department is refused');
      const badUrl = await w.as.office.post(`/api/responses/${responseId}/posted`, { url: 'javascript:alert(1)' });
      assert.equal(badUrl.status, 400);
      const res = await w.as.office.post(`/api/responses/${responseId}/posted`, { url: `${threadUrl}#reply`, responder_account_id: acc.body.id });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'posted');
      const c = await w.as.office.get(`/api/cases/${caseId}`);
      assert.equal(c.body.state, 'replied');
      assert.ok(c.body.replied_at);
    });

    test('verification: the collection follow-up re-fetches the loopback thread and finds the registered account\'s reply', async () => {
      const later = new Date(Date.now() + 60_000).toISOString();
      threadReplies.push({ id: 1, author: '路人乙', at: later, text: '同问，什么时候修好？' });
      await followUpThreads(w.server.ctx);
      const first = await w.as.resp_js.post(`/api/cases/${caseId}/verify`);
      assert.deepEqual(first.body.verified, [], 'only an unregistered author has replied so far');
      // The forum shows what was posted, re-wrapped into one paragraph.
      const posted = (await w.as.resp_js.get(`/api/responses/${responseId}`)).body.body as string;
      threadReplies.push({ id: 2, author: '建设科小李', at: later, text: posted.replace(/\n+/g, ' ') });
      const follow = await followUpThreads(w.server.ctx);
      assert.equal(follow.oursAdded, 1, 'collection recognises the registered account');
      const res = await w.as.resp_js.post(`/api/cases/${caseId}/verify`);
      assert.deepEqual(res.body.verified, [responseId]);
      const r = await w.as.resp_js.get(`/api/cases/${caseId}`);
      assert.ok(r.body.responses[0].verified_at);
      assert.equal(r.body.responses[0].verification.account, '建设科小李');
      const acc = await db.kysely.selectFrom('responder_accounts').select('id').where('username', '=', '建设科小李').executeTakeFirstOrThrow();
      const activity = await w.as.office.get(`/api/responder-accounts/${acc.id}/activity`);
      assert.equal(activity.status, 200);
      assert.deepEqual(activity.body.replies.map((x: { post_id: number }) => x.post_id), [postId], 'the office sees who replied where');
      assert.equal(activity.body.responses[0].id, responseId);
      assert.equal((await w.as.resp_zf.get(`/api/responder-accounts/${acc.id}/activity`)).status, 403);
    });

    test('the office writes a memo; the leader records a 批示 with a 3-working-day clock; the docx reads back', async () => {
      const bureau = await w.as.admin.request('PUT', '/api/cases/settings', { bureau_name: '岱山县住房和城乡建设局' });
      assert.equal(bureau.status, 200, JSON.stringify(bureau.body));
      const memo = await w.as.office.post(`/api/cases/${caseId}/memos`, { analysis: '群众关注度高，已有多人跟帖', suggestion: '由建设科牵头督促施工', office_opinion: '建议分管局长督办' });
      assert.equal(memo.status, 201, JSON.stringify(memo.body));
      const year = Number(localDate(new Date()).slice(0, 4));
      assert.deepEqual([memo.body.issue_year, memo.body.issue_no, memo.body.department_id, memo.body.due_at], [year, 1, w.depts.jsk, null], "期号 1 of the year; 承办科室 is the case's lead");
      assert.equal((await w.as.office.post(`/api/cases/${caseId}/memos`, { department_id: 99999 })).status, 400, 'an unknown 承办科室 is refused');
      assert.equal((await w.as.resp_js.post(`/api/cases/${caseId}/memos`, {})).status, 403, 'only the office writes memos');
      const instr = await w.as.leader.post(`/api/memos/${memo.body.id}/instructions`, { text: '请建设科本周内拿出整改方案' });
      assert.equal(instr.status, 201);
      assert.ok(instr.body.due_at > instr.body.at);
      assert.equal((await w.as.office.post(`/api/memos/${memo.body.id}/instructions`, { text: 'x' })).status, 403, 'only leaders instruct');
      const edit = await w.as.office.patch(`/api/memos/${memo.body.id}`, { office_opinion: '建议分管局长督办，一周内反馈', sent: true });
      assert.equal(edit.status, 200);
      assert.ok(edit.body.sent_at);
      assert.equal(edit.body.signed_at, edit.body.sent_at, '签发 when sent, by the sender');
      assert.equal(edit.body.signed_by, w.users.office1);
      // Sent: the Word form goes to the leaders' channel as an attachment, once.
      await w.as.office.patch(`/api/memos/${memo.body.id}`, { sent: true });
      const sent = await db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['alerts.title', 'alerts.attachment_id', 'channels.name']).where('alerts.kind', '=', 'memo.sent').execute();
      assert.equal(sent.length, 1);
      assert.equal(sent[0].name, '领导群');
      assert.match(sent[0].title, /网络舆情抄告单/);
      const attached = await download(w.as.leader, `/api/attachments/${sent[0].attachment_id}`);
      assert.equal(attached.status, 200);
      assert.ok(docxText(attached.buf).includes(memo.body.number));
      assert.equal((await download(w.as.resp_zf, `/api/attachments/${sent[0].attachment_id}`)).status, 200, 'the assisting department may read it too');
      const listed = await w.as.leader.get('/api/memos');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.map((m: { number: string; case_title: string; instructions: unknown[] }) => [m.number, m.case_title, m.instructions.length]), [[memo.body.number, '阳光小区门前道路施工半年未完工', 1]]);
      assert.equal((await w.as.leader.get('/api/memos?pending=1')).body.length, 0, 'instructed already');
      const full = await w.as.leader.get(`/api/memos/${memo.body.id}`);
      assert.equal(full.body.instructions.length, 1);
      assert.deepEqual(full.body.history.map((h: { kind: string }) => h.kind), ['memo', 'instruction', 'memo.update']);
      const doc = await download(w.as.leader, `/api/memos/${memo.body.id}/docx`);
      assert.equal(doc.status, 200);
      assert.match(doc.type, /wordprocessingml/);
      const text = docxText(doc.buf);
      for (const expected of ['网络舆情抄告单', memo.body.number, '本地论坛', threadUrl, '群众关注度高', '由建设科牵头督促施工', '一周内反馈', '领导批示', '请建设科本周内拿出整改方案']) {
        assert.ok(text.includes(expected), `docx contains ${expected}`);
      }
      // The bureau's form: 发文单位, 期号, 承办科室, 办理时限 (the 批示 clock), 拟办意见, 签发.
      for (const expected of ['岱山县住房和城乡建设局', `〔${year}〕第 1 期`, '承办科室建设科', `办理时限批示后 3 个工作日内（${localDateTime(instr.body.due_at)} 前）`, '拟办意见由建设科牵头督促施工', `签发办公室小王    ${localDate(edit.body.signed_at)}`]) {
        assert.ok(text.includes(expected), `docx contains ${expected}: ${text}`);
      }
      const dated = await w.as.office.patch(`/api/memos/${memo.body.id}`, { due_date: '2026-12-31' });
      assert.equal(dated.body.due_at, '2026-12-31T09:30:00.000Z', 'the end of the office day, Beijing time');
      assert.ok(docxText((await download(w.as.leader, `/api/memos/${memo.body.id}/docx`)).buf).includes('办理时限2026-12-31'));
    });

    test('follow-up, a commitment that blocks closing until it is done, then the case is closed', async () => {
      assert.equal((await w.as.resp_js.post(`/api/cases/${caseId}/follow`, {})).status, 200);
      const due = new Date(Date.now() + 10 * 86_400_000).toISOString();
      const com = await w.as.resp_js.post(`/api/cases/${caseId}/commitments`, { what: '12月20日前完成道路修复', due_at: due });
      assert.equal(com.status, 201, JSON.stringify(com.body));
      const blocked = await w.as.head_js.post(`/api/cases/${caseId}/close`, {});
      assert.equal(blocked.status, 409);
      assert.equal(blocked.body.error.message, '该处置单还有未了结事项：1 条领导批示未办理、1 项整改承诺未完成。如确需办结，请填写办结理由（将记入台账）');
      assert.equal((await w.as.resp_js.post(`/api/commitments/${com.body.id}/waive`, { reason: 'x' })).status, 403, 'only the office waives');
      const done = await w.as.resp_js.post(`/api/commitments/${com.body.id}/done`, { result_url: 'http://127.0.0.1/thread/1#result' });
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'done');
      const instructionOpen = await w.as.head_js.post(`/api/cases/${caseId}/close`, { comment: '已完工' });
      assert.equal(instructionOpen.status, 409, 'the 批示 is still open');
      assert.deepEqual(instructionOpen.body.error.details, { instructions: 1, unverified: 0, commitments: 0 });
      const closed = await w.as.head_js.post(`/api/cases/${caseId}/close`, { comment: '已完工', reason: '整改方案已当面向分管局长汇报' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.close_reason, '整改方案已当面向分管局长汇报');
      assert.equal(closed.body.state, 'closed');
      assert.ok(closed.body.closed_at);
      const detail = await w.as.office.get(`/api/cases/${caseId}`);
      assert.ok(detail.body.memos[0].instructions[0].handled_at, 'the 批示 is handled with the close');
      const moves = detail.body.events.filter((e: { to_state: string | null }) => e.to_state).map((e: { to_state: string }) => e.to_state);
      assert.deepEqual(moves, ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'awaiting_approval', 'awaiting_approval', 'replied', 'following_up', 'closed']);
      const audit = await w.as.office.get(`/api/audit?entity=case&entityId=${caseId}`);
      assert.ok(audit.body.some((a: { action: string; actor_name: string }) => a.action === 'case.close' && a.actor_name === '建设科科长'));
    });

    test('the ledger lists and filters the case and exports an .xlsx that reads back', async () => {
      const list = await w.as.office.get(`/api/cases?state=closed&department_id=${w.depts.zfk}&q=${encodeURIComponent('道路')}`);
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 1);
      assert.equal(list.body.items[0].lead_department, '建设科');
      assert.equal(list.body.items[0].close_reason, '整改方案已当面向分管局长汇报', 'the ledger shows why it closed with something open');
      assert.equal(list.body.items[0].closed_with_open, '1 条领导批示未办理');
      assert.equal((await w.as.office.get('/api/cases?state=triage')).body.total, 0);
      assert.equal((await w.as.office.get('/api/cases?overdue=1')).body.total, 0);
      assert.equal((await w.as.office.get('/api/cases?state=nonsense')).status, 400);
      const x = await download(w.as.office, '/api/cases/export.xlsx');
      assert.equal(x.status, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.buf as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('舆情台账');
      assert.ok(ws);
      assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1, 6), ['编号', '标题', '状态', '等级', '主办部门']);
      const row = ws.getRow(2).values as unknown[];
      assert.match(String(row[1]), /^\d{4}-0001$/);
      assert.equal(row[3], '已办结');
      assert.equal(row[4], '较大');
      assert.equal(row[5], '建设科');
      assert.equal(row[6], '住房保障科');
      assert.equal(row[13], '1 条领导批示未办理');
      assert.equal(row[14], '整改方案已当面向分管局长汇报');
      assert.equal(ws.rowCount, 2);
    });

    test('a case about a malicious attack drafts a firm statement; a hard case needs a leader', async () => {
      const sourceId = (await db.kysely.selectFrom('sources').select('id').executeTakeFirstOrThrow()).id;
      const p = await insertPost(db, sourceId, { title: '某局长贪污千万（造谣）', abuse: true, departmentId: w.depts.jsk, level: 'orange' });
      const c = await w.as.office.post('/api/cases', { post_ids: [p] });
      assert.equal(c.body.hard, 1, 'orange cases are hard cases');
      await w.as.office.post(`/api/cases/${c.body.id}/assign`, {});
      const d = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { facts: '经核查，网传内容与事实不符，该局长无任何违纪违法记录，相关材料已公开。', subject: '某局长贪污千万' });
      assert.equal(d.body.kind, 'firm');
      assert.match(d.body.body, /^近日，网上出现关于“某局长贪污千万”的不实信息。对此，建设科郑重声明如下：\n\n经核查/);
      assert.match(d.body.body, /\n\n建设科\n\d{4}-\d{2}-\d{2}$/, "a department's firm statement signs in its name");
      assert.equal((await w.as.resp_js.post(`/api/responses/${d.body.id}/submit`)).status, 200);
      const head = await w.as.head_js.post(`/api/responses/${d.body.id}/approve`, {});
      assert.equal(head.status, 403);
      assert.match(head.body.error.message, /分管领导/);
      assert.equal((await w.as.leader.post(`/api/responses/${d.body.id}/approve`, {})).status, 200);
      const esc = await w.as.resp_js.post(`/api/cases/${c.body.id}/escalate`, { to: 'leader', reason: '涉及领导个人，需局领导表态' });
      assert.equal(esc.status, 200);
      assert.equal(esc.body.state, 'escalated');
      const notices = await db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['channels.name', 'alerts.title']).where('alerts.kind', '=', 'case.escalated').where('alerts.case_id', '=', c.body.id).execute();
      assert.deepEqual(notices.map((n) => n.name), ['领导群']);
      assert.match(notices[0].title, /呈报领导：涉及领导个人/);
      assert.equal((await w.as.office.post(`/api/cases/${c.body.id}/assign`, {})).body.state, 'assigned');
      // The bureau's official account (the seed's 岱山建设), registered by the office.
      const official = await w.as.office.post('/api/responder-accounts', { site: '127.0.0.1', username: '某县住建局' });
      assert.equal(official.status, 201);
      const noSubject = await w.as.office.post(`/api/cases/${c.body.id}/responses`, { kind: 'statement', facts: '经调查，网传内容系伪造截图拼接而成。' });
      assert.match(noSubject.body.body, /^关于【请填写：事由/, "the citizen's headline is never the statement's title");
      assert.equal((await w.as.office.post(`/api/responses/${noSubject.body.id}/submit`)).status, 400, 'a statement without its subject does not pass the checks');
      const statement = await w.as.office.post(`/api/cases/${c.body.id}/responses`, { kind: 'statement', subject: '网传“某局长贪污”截图', facts: '经调查，网传内容系伪造截图拼接而成。', measures: '我局已向公安机关报案。' });
      assert.equal(statement.status, 201, 'the office drafts a dedicated statement in the bureau\'s name');
      assert.equal(statement.body.kind, 'statement');
      assert.equal(statement.body.department_id, w.depts.office);
      assert.equal(statement.body.body.split('\n\n')[0], '关于网传“某局长贪污”截图的情况说明');
      assert.match(statement.body.body, /\n\n经调查，网传内容系伪造截图拼接而成。\n\n我局已向公安机关报案。\n\n/, 'the facts given are in it (no empty situation left to fill)');
      assert.match(statement.body.body, /\n\n某县住建局\n\d{4}-\d{2}-\d{2}\n联系电话：0571-81234567$/, "signed by the bureau's official account");
      assert.equal((await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { in_name_of: 'bureau' })).status, 403, 'only the office speaks for the bureau');
      // The statement goes out from the bureau's official account, after a leader's approval (a hard case).
      assert.equal((await w.as.office.post(`/api/responses/${statement.body.id}/submit`)).status, 200);
      assert.equal((await w.as.office.post(`/api/responses/${statement.body.id}/approve`, {})).status, 403, 'hard case: not the office');
      assert.equal((await w.as.leader.post(`/api/responses/${statement.body.id}/approve`, {})).status, 200);
      const jsAccount = await db.kysely.selectFrom('responder_accounts').select('id').where('username', '=', '建设科小李').executeTakeFirstOrThrow();
      assert.equal((await w.as.office.post(`/api/responses/${statement.body.id}/posted`, { url: 'http://127.0.0.1/thread/statement', responder_account_id: jsAccount.id })).status, 400, "a department's account cannot carry the bureau's statement");
      const posted = await w.as.office.post(`/api/responses/${statement.body.id}/posted`, { url: 'http://127.0.0.1/thread/statement', responder_account_id: official.body.id });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      assert.equal((await w.as.office.get(`/api/cases/${c.body.id}`)).body.state, 'replied');
    });
  });
}
