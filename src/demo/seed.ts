import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { registerAccount } from '../cases/accounts.ts';
import { addCommitment, completeCommitment } from '../cases/commitments.ts';
import { createMemo, handleInstruction, recordInstruction, updateMemo } from '../cases/memos.ts';
import { openCase } from '../cases/open.ts';
import { approveResponse, draftResponse, recordPosted, returnResponse, submitResponse } from '../cases/responses.ts';
import { assignCase, closeCase, escalateCase, followCase, openAtClose } from '../cases/workflow.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import type { Logger } from '../log.ts';
import type { DemoSites } from './sites.ts';

/**
 * Cases in every state of the workflow, made from collected demo posts through the same
 * functions the console calls, by the demo's own users: so a newcomer opening the ledger sees
 * 待研判, 已分派, 拟稿, 待审核, 已退回, 已回复, 跟踪, 已办结 and 已转办 at once, with a memo waiting
 * for the leader's 批示 and another already instructed.
 */
export const SEEDED_SETTING = 'demo.seeded';
const FORUM = '清溪论坛·民生热线';
const BOARD = '县住建局公众留言';

type Db = Kysely<Database>;

const COMPLAINT = /[？?]|举报|求助|投诉|太|没人|还没|迟迟|严重/;
const TITLE_PATTERNS: Record<string, RegExp> = {
  物业管理: /物业|电梯|垃圾|业主委员会/,
  延期交房: /交房|停工/,
  道路施工: /施工|围挡|工期|挖了/,
  房屋质量: /渗水|漏水|开裂|货不对板/,
  违法建设: /违章|违建|加盖|搭建|外扩|圈起来/,
  征收拆迁: /拆迁|补偿/,
  市政设施: /路灯|井盖|积水|下水道/,
};

async function actorOf(db: Db, username: string): Promise<Actor> {
  const u = await db.selectFrom('users').select(['id', 'display_name', 'role', 'department_id']).where('username', '=', username).executeTakeFirstOrThrow();
  return { id: u.id, name: u.display_name, role: u.role, departmentId: u.department_id, via: 'api' };
}

async function departmentId(db: Db, code: string): Promise<number> {
  return (await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

/** Analysed forum and board posts not yet in a case, newest first, with the rules they matched. */
export async function freePosts(db: Db): Promise<{ id: number; title: string; url: string | null; source: string; rules: string[] }[]> {
  const rows = await db
    .selectFrom('posts')
    .innerJoin('sources', 'sources.id', 'posts.source_id')
    .select(['posts.id', 'posts.title', 'posts.url', 'posts.analysis', 'sources.name as source'])
    .where('sources.name', 'in', [FORUM, BOARD])
    .where('posts.analyzed_at', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('case_posts').select('case_posts.post_id').whereRef('case_posts.post_id', '=', 'posts.id'))))
    .orderBy('posts.id', 'desc')
    .execute();
  return rows.map((r) => {
    let rules: string[] = [];
    try {
      rules = ((JSON.parse(r.analysis ?? 'null')?.rules ?? []) as { rule: string }[]).map((x) => x.rule);
    } catch {
      rules = [];
    }
    return { id: r.id, title: r.title, url: r.url, source: r.source, rules };
  });
}

function threadIdOf(url: string | null): number | null {
  const m = url ? /thread-(\d+)-/.exec(url) : null;
  return m ? Number(m[1]) : null;
}

export async function demoIsSeeded(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('settings').select('key').where('key', '=', SEEDED_SETTING).executeTakeFirst());
}

export async function seedDemoCases(db: Db, sites: DemoSites | null, log: Logger): Promise<number> {
  if (await demoIsSeeded(db)) return 0;
  const [office, liwei, zhoumin, chenchen, zhao, qian, zheng, leader] = await Promise.all(
    ['wangfang', 'liwei', 'zhoumin', 'chenchen', 'zhaojianguo', 'qianli', 'zhengqiang', 'chenju'].map((u) => actorOf(db, u)),
  );
  const dept = { jsk: await departmentId(db, 'jsk'), fdc: await departmentId(db, 'fdc'), wyk: await departmentId(db, 'wyk') };

  // The usernames our responders reply under on the forum, so collection recognises our replies.
  const accounts = new Map<number, number>();
  for (const [who, username] of [
    [liwei, '清溪住建-李伟'],
    [zhoumin, '清溪住建-周敏'],
    [chenchen, '清溪住建-陈晨'],
  ] as const) {
    const existing = await db.selectFrom('responder_accounts').select('id').where('site', '=', FORUM).where('username', '=', username).executeTakeFirst();
    accounts.set(who.id!, existing?.id ?? (await registerAccount(db, who, { site: FORUM, username })).id);
  }

  const pool = await freePosts(db);
  // A post about the matter: by title first (the demo's own writing), then by matched rule.
  const take = (rule: string | null) => {
    const pattern = rule ? TITLE_PATTERNS[rule] : COMPLAINT;
    let i = pool.findIndex((p) => pattern?.test(p.title));
    if (i < 0 && rule) i = pool.findIndex((p) => p.rules.includes(rule));
    if (i < 0) i = pool.findIndex((p) => COMPLAINT.test(p.title));
    return pool.length ? pool.splice(Math.max(i, 0), 1)[0] : null;
  };
  let made = 0;
  const open = async (rule: string | null, lead: number | null, level: 'blue' | 'yellow' | 'orange' = 'yellow') => {
    const post = take(rule);
    if (!post) return null;
    const c = await openCase(db, office, { post_ids: [post.id], level, ...(lead ? { lead_department_id: lead } : {}) });
    made++;
    return { c, post };
  };
  // One state's case failing (e.g. no matching post) must not keep the others from the demo.
  const step = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      log.warn({ err, step: name }, 'demo case could not be prepared');
    }
  };
  const draft = (who: Actor, caseId: number, situation: string, measures: string) => draftResponse(db, who, caseId, { kind: 'reply', situation, measures });

  // 待研判: registered, waiting for the office to route it.
  await step('triage', () => open(null, null, 'blue'));

  // 已分派
  await step('assigned', async () => {
    const assigned = await open('物业管理', dept.wyk);
    if (assigned) await assignCase(db, office, assigned.c.id, { lead_department_id: dept.wyk, comment: '请物业管理科当日核实并答复' });
  });

  // 拟稿
  await step('drafting', async () => {
    const drafting = await open('延期交房', dept.fdc);
    if (drafting) {
      await assignCase(db, office, drafting.c.id, { lead_department_id: dept.fdc });
      await draft(zhoumin, drafting.c.id, '该项目因开发企业资金周转原因进度滞后，我局已于本周组织现场核查', '我局已约谈开发企业，要求制定复工计划并向业主公开，同时加强预售资金监管');
    }
  });

  // 待审核: the 建设管理科 head has it in 待我审核.
  await step('awaiting_approval', async () => {
    const awaiting = await open('道路施工', dept.jsk);
    if (awaiting) {
      await assignCase(db, office, awaiting.c.id, { lead_department_id: dept.jsk });
      const r = await draft(liwei, awaiting.c.id, '该路段改造涉及地下管线迁改，施工单位已增派人员', '我局已督促施工单位优化围挡、加强夜间照明和交通疏导，计划本月底前恢复双向通行');
      await submitResponse(db, liwei, r.id);
    }
  });

  // 已退回: the head asked for a concrete date.
  await step('returned', async () => {
    const returned = await open('房屋质量', dept.fdc);
    if (returned) {
      await assignCase(db, office, returned.c.id, { lead_department_id: dept.fdc });
      const r = await draft(zhoumin, returned.c.id, '我局已联系开发企业和物业到现场查看渗水情况', '我局已要求开发企业安排维修');
      await submitResponse(db, zhoumin, r.id);
      await returnResponse(db, qian, r.id, '请写明维修完成的时限和质量监督站的复查安排，避免笼统表述。');
    }
  });

  // 已回复, 跟踪 and 已办结: replies posted under registered accounts, shown on the demo forum.
  const replyAndPost = async (rule: string, lead: number, responder: Actor, head: Actor, situation: string, measures: string) => {
    const o = await open(rule, lead);
    if (!o) return null;
    await assignCase(db, office, o.c.id, { lead_department_id: lead });
    const r = await draft(responder, o.c.id, situation, measures);
    await submitResponse(db, responder, r.id);
    await approveResponse(db, head, r.id, '同意发布');
    const url = o.post.url && /^https?:/.test(o.post.url) ? o.post.url : `https://bbs.qingxi.example/thread-${o.post.id}-1-1.html`;
    await recordPosted(db, responder, r.id, { url, responder_account_id: accounts.get(responder.id!) });
    const account = await db.selectFrom('responder_accounts').select('username').where('id', '=', accounts.get(responder.id!)!).executeTakeFirst();
    const thread = threadIdOf(o.post.url);
    if (sites && thread && account) sites.addReply(thread, account.username, r.body);
    return o;
  };
  await step('replied', () => replyAndPost('违法建设', dept.jsk, liwei, zhao, '经城建监察大队现场核查，该处搭建未取得规划许可', '已下达限期拆除通知书，逾期未拆除的将依法强制拆除'));

  await step('following_up', async () => {
    const following = await replyAndPost('物业管理', dept.wyk, chenchen, zheng, '经核实，该小区电梯本月确有多次故障', '我科已约谈物业公司，要求三日内完成维修并对全部电梯进行检测');
    if (following) {
      await followCase(db, chenchen, following.c.id, '继续关注业主反映，督促物业整改');
      const due = new Date(Date.now() + 3 * 86400_000).toISOString();
      await addCommitment(db, chenchen, following.c.id, { what: '物业公司完成电梯维修并提交检测报告', due_at: due });
    }
  });

  await step('closed', async () => {
    const closed = await replyAndPost('道路施工', dept.jsk, liwei, zhao, '该路段施工围挡范围过大，影响了早晚高峰通行', '施工单位已于当日缩小围挡范围，并安排专人在高峰时段疏导交通');
    if (closed) {
      await followCase(db, liwei, closed.c.id);
      const commitment = await addCommitment(db, liwei, closed.c.id, { what: '施工期间高峰时段安排专人疏导交通', due_at: new Date(Date.now() + 86400_000).toISOString() });
      await completeCommitment(db, liwei, commitment.id, { result_url: 'https://www.qingxi.example/zjj/tzgg/2026/traffic.html', comment: '已在局网站公布整改结果' });
      const memo = await createMemo(db, office, closed.c.id, { analysis: '群众关注度一般，已按时答复', suggestion: '督促施工单位落实交通疏导' });
      await updateMemo(db, office, memo.id, { sent: true });
      const instruction = await recordInstruction(db, leader, memo.id, '同意。请建设管理科举一反三，对在建道路的围挡、照明和警示设施进行一次全面检查。');
      await handleInstruction(db, liwei, instruction.id, '已对在建道路的围挡、照明和警示设施全面检查');
      // The reply is on the forum; collection may not have confirmed it yet, which the close then says.
      const open = await openAtClose(db, closed.c.id);
      await closeCase(db, zhao, closed.c.id, { comment: '整改完成，结果已公开', ...(open.unverified ? { reason: '回复已在论坛发布，采集核实前办结' } : {}) });
    }
  });

  // 已转办 to the leader as a hard case, with a memo waiting for 批示.
  await step('escalated', async () => {
    const escalated = await open('征收拆迁', dept.jsk, 'orange');
    if (escalated) {
      await assignCase(db, office, escalated.c.id, { lead_department_id: dept.jsk, assisting_department_ids: [dept.fdc] });
      await escalateCase(db, liwei, escalated.c.id, { to: 'leader', reason: '涉及补偿标准和多个部门，需分管领导协调' });
      const memo = await createMemo(db, office, escalated.c.id, {
        analysis: '该帖在论坛持续发酵，跟帖以质疑补偿标准为主，存在进一步扩散的可能',
        suggestion: '由建设管理科牵头，会同房地产市场监管科公开补偿方案和评估依据',
        office_opinion: '建议召开专题协调会',
      });
      await updateMemo(db, office, memo.id, { sent: true });
    }
  });

  await db
    .insertInto('settings')
    .values({ key: SEEDED_SETTING, value: JSON.stringify({ cases: made }), updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  log.info({ cases: made }, 'demo cases seeded');
  return made;
}
