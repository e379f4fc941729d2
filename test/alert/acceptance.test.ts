import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import type { Actor } from '../../src/auth/actor.ts';
import { approveResponse, draftResponse, submitResponse } from '../../src/cases/responses.ts';
import { assignCase } from '../../src/cases/workflow.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { runCli } from '../helpers/cli.ts';
import { wecomStandin, type Standin } from './standins.ts';

/** Beijing wall clock of an instant, computed here without the code under test. */
const beijing = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

interface Thread {
  tid: string;
  title: string;
  author: string;
  at: number;
  body: string;
}

/** A county Discuz! board in GBK: the list shows each thread's date alone, the thread page its exact time. */
function gbkForum(threads: Thread[]) {
  const page = (html: string) => iconv.encode(html, 'gbk');
  const list = () => `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>民生热线</title></head><body><table id="threadlisttableid">${threads
    .map(
      (x) => `<tbody id="normalthread_${x.tid}"><tr><th class="new"><a href="forum.php?mod=viewthread&amp;tid=${x.tid}" class="s xst">${x.title}</a></th>
<td class="by"><cite><a href="#">${x.author}</a></cite><em><span>${beijing(x.at).slice(0, 10)}</span></em></td><td class="num"><a href="#" class="xi2">0</a><em>10</em></td></tr></tbody>`,
    )
    .join('\n')}</table></body></html>`;
  const thread = (x: Thread) => `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>帖子</title></head><body>
<span id="thread_subject">${x.title}</span><div id="postlist"><div id="post_${x.tid}1"><table><tr><td class="pls"><div class="authi"><a href="#" class="xw1">${x.author}</a></div></td>
<td class="plc"><div class="authi"><em id="authorposton${x.tid}1">发表于 ${beijing(x.at)}</em></div><div class="t_fsz"><table><tr><td class="t_f" id="postmessage_${x.tid}1">${x.body}</td></tr></table></div></td></tr></table></div></div></body></html>`;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/robots.txt') return void res.writeHead(404).end();
    const tid = u.searchParams.get('tid');
    const x = tid ? threads.find((t) => t.tid === tid) : null;
    if (tid && !x) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(x ? thread(x) : list()));
  });
  return server;
}

/**
 * Issue 18's acceptance: a GBK forum, a WeCom robot stand-in and the CLI. One Chinese message per
 * matching post with Beijing time in the text; nothing more after re-collection, a history
 * import, or our own reply collected back.
 */
describe('acceptance: GBK forum → WeCom robot through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-accept18-'));
  const dbPath = join(dir, 'ws.db');
  const run = (args: string[]) => runCli([...args, '--db', dbPath], { env: { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' } });
  const now = Date.now();
  const threads: Thread[] = [
    { tid: '501', title: '幸福家园地下车库漏水没人管', author: '业主甲', at: now + 5 * 60_000, body: '幸福家园地下车库漏水一个月，物业不管，业主非常愤怒！' },
    { tid: '502', title: '城东路灯不亮', author: '夜归人', at: now + 6 * 60_000, body: '城东好几盏路灯坏了。' },
  ];
  let forum: Server;
  let bot: Standin;
  let base: string;

  before(async () => {
    forum = gbkForum(threads);
    await new Promise<void>((r) => forum.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(forum.address() as AddressInfo).port}`;
    bot = await wecomStandin('county-key');
    const yaml = join(dir, 'ws.yaml');
    writeFileSync(
      yaml,
      `departments:
  - { code: office, name: 局办公室, office: true }
  - { code: zfk, name: 住房保障科, phone: "0580-8123456" }
users:
  - { username: li, name: 住房科小李, role: responder, department: zfk }
sources:
  - name: 县论坛
    kind: html
    url: ${base}/forum.php?mod=forumdisplay&fid=2
    config: { preset: discuz }
watch_rules:
  - { name: 小区漏水, expression: 漏水, department: zfk, min_level: orange }
  - { name: 物业投诉, expression: 物业, department: zfk }
channels:
  - name: 住房科群
    kind: wecom
    department: zfk
    config: { key: county-key, baseUrl: ${bot.url} }
`,
    );
    const applied = await run(['workspace', 'apply', yaml]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    await bot.close();
    forum.closeAllConnections();
    await new Promise<void>((r) => forum.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('one message per matching post, in Chinese with Beijing time; nothing more after re-collection, a history import or our own reply', async () => {
    const first = await run(['collect', '--once']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(bot.received.length, 1, `one matching post, one message (two rules): ${JSON.stringify(bot.received)}`);
    const text: string = bot.received[0].markdown.content;
    assert.match(text, /幸福家园地下车库漏水没人管/);
    assert.match(text, /命中规则：小区漏水、物业投诉/);
    assert.ok(text.includes(`发布时间：${beijing(threads[0].at)}`), text);

    // Re-collection: nothing new.
    const again = await run(['collect', '--once', '--source', '县论坛']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(bot.received.length, 1);

    // Last year's export imported as history: stored, nobody paged.
    const csv = join(dir, 'last-year.csv');
    writeFileSync(csv, '编号,标题,内容\nH1,车库漏水,小区车库漏水物业不管\nH2,又漏水了,楼顶漏水物业推诿\n');
    const imported = await run(['import', csv, '--source', '去年导出', '--history']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /2 new/);

    // Our own statement thread, by a registered responder account, collected back.
    // Its reply was drafted and approved in the ledger, then posted on the forum as a thread before anyone recorded it.
    const db = await openDatabase(dbPath);
    let caseId: number;
    let body: string;
    try {
      const li = await db.kysely.selectFrom('users').select(['id', 'department_id']).where('username', '=', 'li').executeTakeFirstOrThrow();
      await db.kysely.insertInto('responder_accounts').values({ user_id: li.id, site: '县论坛', username: '住建局小李', created_at: new Date().toISOString() }).execute();
      const c = await db.kysely.selectFrom('cases').select(['id', 'state']).executeTakeFirstOrThrow();
      caseId = c.id;
      const office: Actor = { id: null, name: '办公室', role: 'office', departmentId: null, via: 'api' };
      await assignCase(db.kysely, office, c.id, { lead_department_id: li.department_id! });
      const r = await draftResponse(db.kysely, { id: li.id, name: '住房科小李', role: 'responder', departmentId: li.department_id, via: 'api' }, c.id, { situation: '经核实，幸福家园地下车库漏水系排水管老化所致', measures: '我局已督促物业公司本周内完成维修' });
      await submitResponse(db.kysely, office, r.id);
      // 重大: a hard case, approved by a leader.
      body = (await approveResponse(db.kysely, { id: null, name: '分管局长', role: 'leader', departmentId: null, via: 'api' }, r.id)).body;
    } finally {
      await db.close();
    }
    threads.push({ tid: '503', title: '关于幸福家园地下车库漏水的情况说明', author: '住建局小李', at: now + 7 * 60_000, body });
    const third = await run(['collect', '--once', '--source', '县论坛']);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /1 new/);
    // The group heard of the ledger's work (分派, a reply to approve), nothing of our own statement.
    const later: string[] = bot.received.slice(1).map((m) => m.markdown.content);
    assert.ok(later.every((m) => !m.includes('情况说明') && /【分派】|审核/.test(m)), `nothing for our own statement: ${later.join(' | ')}`);
    // ... and the statement is recorded as the case's response: posted at the thread's URL, the case 已回复.
    const check = await openDatabase(dbPath);
    try {
      const responses = await check.kysely.selectFrom('responses').select(['status', 'url', 'verification', 'origin']).where('case_id', '=', caseId).execute();
      assert.equal(responses.length, 1, 'the approved response, not a second one');
      assert.equal(responses[0].status, 'posted');
      assert.equal(responses[0].origin, 'recorded');
      assert.match(responses[0].url ?? '', /tid=503/);
      assert.equal(JSON.parse(responses[0].verification!).post_reply_id, null, 'the thread itself');
      const c = await check.kysely.selectFrom('cases').select(['state', 'replied_at']).where('id', '=', caseId).executeTakeFirstOrThrow();
      assert.equal(c.state, 'replied');
      const note = await check.kysely.selectFrom('case_events').select('comment').where('case_id', '=', caseId).where('to_state', '=', 'replied').executeTakeFirstOrThrow();
      assert.match(note.comment ?? '', /采集发现已登记账号“住建局小李”发布了已审核的说明帖/);
    } finally {
      await check.close();
    }

    const posts = await run(['posts', '--format', 'jsonl']);
    const rows = posts.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const standing = Object.fromEntries(rows.map((r) => [r.title, r.standing ?? null]));
    assert.equal(standing['关于幸福家园地下车库漏水的情况说明'], 'ours');
    assert.equal(standing['车库漏水'], 'history');
    const leak = rows.find((r) => r.title === '幸福家园地下车库漏水没人管');
    assert.equal(leak.published_precision, 'minute', "the thread page's time, not the list's date");
    assert.equal(leak.published_at, `${beijing(threads[0].at).replace(' ', 'T')}:00+08:00`);
  });
});
