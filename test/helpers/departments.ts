import assert from 'node:assert/strict';
import { deliverDue } from '../../src/alert/delivery.ts';
import { enqueueNotice } from '../../src/alert/outbox.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { insertPost } from '../cases/helpers.ts';
import { PASSWORD, seedOrg } from './fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from './server.ts';

/**
 * Two departments (建设科 jsk, 住房保障科 zfk) each with a record of every kind, made the way
 * people make them (through the API, by the office, the department's responder and head):
 * posts, an event, two cases (one with an approved reply, a picture, a commitment, a memo with a
 * 批示; one escalated to the office), a responder account, an alert, a watch rule, a source and
 * a scheduled brief with its file. Every text carries the department's marker, so that a test can
 * look for it in answers that should not have it.
 */
export const MARKERS = { jsk: '机密甲', zfk: '机密乙' } as const;
export type DeptCode = keyof typeof MARKERS;
export const USERS = ['admin1', 'office1', 'leader1', 'resp_js', 'head_js', 'resp_zf', 'head_zf'] as const;
export type Username = (typeof USERS)[number];

export interface DeptRecords {
  code: DeptCode;
  id: number;
  marker: string;
  responder: Username;
  head: Username;
  source: number;
  /** inCase: in case A; free: in no case; event: in the event; escalated: in case B. */
  posts: { inCase: number; free: number; event: number; escalated: number };
  event: number;
  cases: number[];
  caseNumbers: string[];
  response: number;
  attachments: number[];
  memo: number;
  instruction: number;
  commitment: number;
  account: number;
  alert: number;
  rule: number;
  channel: number;
  schedule: number;
  users: number[];
}

export interface TwoDepartments {
  server: TestServer;
  db: Db;
  depts: Record<string, number>;
  users: Record<string, number>;
  as: Record<Username, ApiClient>;
  records: Record<DeptCode, DeptRecords>;
  close(): Promise<void>;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

async function ok<T = any>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const res = await p;
  assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function twoDepartments(db: Db): Promise<TwoDepartments> {
  const depts = await seedOrg(db);
  const server = await startTestServer(db);
  const login = async (username: string) => {
    const c = new ApiClient(server.url);
    await ok(c.login(username, PASSWORD), `login ${username}`);
    return c;
  };
  const admin = await login('admin1');
  await ok(admin.post('/api/users', { username: 'head_zf', display_name: '住房科科长', role: 'head', department_id: depts.zfk, password: PASSWORD }), 'head_zf');
  const as = Object.fromEntries(await Promise.all(USERS.map(async (u) => [u, u === 'admin1' ? admin : await login(u)]))) as Record<Username, ApiClient>;
  const users = Object.fromEntries((await db.kysely.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
  await ok(as.office1.post('/api/channels', { name: '站内预警', kind: 'inapp', min_level: 'blue' }), 'inapp channel');
  await ok(as.office1.post('/api/channels', { name: '领导站内', kind: 'inapp', min_level: 'blue', audience: 'leaders' }), 'leaders channel');
  const records = {} as Record<DeptCode, DeptRecords>;
  for (const code of ['jsk', 'zfk'] as const) records[code] = await seedDepartment(db, as, users, depts[code], code);
  await deliverDue(server.ctx);
  return { server, db, depts, users, as, records, close: () => server.close() };
}

async function seedDepartment(db: Db, as: Record<Username, ApiClient>, users: Record<string, number>, id: number, code: DeptCode): Promise<DeptRecords> {
  const m = MARKERS[code];
  const responder: Username = code === 'jsk' ? 'resp_js' : 'resp_zf';
  const head: Username = code === 'jsk' ? 'head_js' : 'head_zf';
  const r = as[responder];
  const office = as.office1;
  const source = (await ok(office.post('/api/sources', { name: `${m}热线导入`, kind: 'import', department_id: id }), 'source')).id;
  const post = (n: string, eventId?: number) => insertPost(db, source, { departmentId: id, title: `${m}帖子${n}`, text: `${m}正文${n}：小区门前道路施工半年未完工，出行不便。`, eventId });
  const now = nowIso();
  const event = (
    await db.kysely
      .insertInto('events')
      .values({ title: `${m}事件`, signature: null, topic: null, first_seen_at: now, last_seen_at: now, post_count: 1, risk_level: 'yellow', burst: 0, created_at: now, updated_at: now, department_id: id, burst_reason: null, burst_at: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const posts = { inCase: await post('一'), free: await post('二'), event: await post('三', event), escalated: await post('四') };

  const open = async (postId: number, title: string) => {
    const c = await ok(office.post('/api/cases', { post_ids: [postId], lead_department_id: id, title }), `case ${title}`);
    await ok(office.post(`/api/cases/${c.id}/assign`, { lead_department_id: id }), 'assign');
    return c as { id: number; number: string };
  };
  const a = await open(posts.inCase, `${m}处置单甲`);
  const b = await open(posts.escalated, `${m}处置单乙`);
  const response = (await ok(r.post(`/api/cases/${a.id}/responses`, { situation: `${m}经现场核实道路确实未完工`, measures: '已责令施工单位本月底前完工' }), 'draft')).id;
  const picture = (await ok(r.post(`/api/responses/${response}/attachments`, { filename: 'p.png', data_base64: PNG }), 'picture')).id;
  await ok(r.post(`/api/responses/${response}/submit`), 'submit');
  await ok(as[head].post(`/api/responses/${response}/approve`, {}), 'approve');
  const commitment = (await ok(r.post(`/api/cases/${a.id}/commitments`, { what: `${m}承诺月底前完工`, due_at: new Date(Date.now() + 30 * 86_400_000).toISOString() }), 'commitment')).id;
  const memo = (await ok(office.post(`/api/cases/${a.id}/memos`, { summary: `${m}抄告单摘要` }), 'memo')).id;
  await ok(office.patch(`/api/memos/${memo}`, { sent: true }), 'memo sent');
  const instruction = (await ok(as.leader1.post(`/api/memos/${memo}/instructions`, { text: `${m}批示：请抓紧办理` }), 'instruction')).id;
  await ok(r.post(`/api/cases/${b.id}/escalate`, { to: 'office', reason: `${m}转办：不属本科职责` }), 'escalate');
  const account = (await ok(r.post('/api/responder-accounts', { site: '127.0.0.1', username: `${m}账号` }), 'account')).id;
  const channel = (await ok(office.post('/api/channels', { name: `${m}科室渠道`, kind: 'inapp', min_level: 'blue', department_id: id }), 'channel')).id;
  const rule = (await ok(office.post('/api/rules', { name: `${m}规则`, expression: '施工 & 道路', department: code }), 'rule')).id;
  const schedule = (await ok(office.post('/api/reports/schedules', { name: `${m}日报`, kind: 'daily', cron: '0 8 * * *', department_id: id }), 'schedule')).id;
  const brief = (
    await db.kysely
      .insertInto('attachments')
      .values({ owner_type: 'report', owner_id: schedule, filename: 'brief.txt', mime: 'text/plain', size: 1, data: Buffer.from(`${m}简报正文`), created_by: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const memoFile = await db.kysely.selectFrom('attachments').select('id').where('owner_type', '=', 'memo').where('owner_id', '=', memo).executeTakeFirstOrThrow();
  const [alert] = await db.kysely.transaction().execute((trx) =>
    enqueueNotice(trx, { kind: 'post', key: `post:${posts.free}|rule:${m}`, level: 'orange', title: `${m}预警`, body: `${m}预警正文`, departmentId: id, postId: posts.free }),
  );
  assert.ok(alert, 'alert');
  return {
    code,
    id,
    marker: m,
    responder,
    head,
    source,
    posts,
    event,
    cases: [a.id, b.id],
    caseNumbers: [a.number, b.number],
    response,
    attachments: [picture, memoFile.id, brief],
    memo,
    instruction,
    commitment,
    account,
    alert,
    rule,
    channel,
    schedule,
    users: [users[responder], users[head]],
  };
}

/** Every row of a department's records (for "nothing changed"): compare before and after. */
export async function snapshotDepartment(db: Db, rec: DeptRecords): Promise<unknown> {
  const k = db.kysely;
  const caseIds = rec.cases;
  const postIds = Object.values(rec.posts);
  const alertIds = (await k.selectFrom('alerts').select('id').where('department_id', '=', rec.id).execute()).map((a) => a.id);
  const byId = <T extends { id: number }>(rows: T[]) => rows.sort((x, y) => x.id - y.id);
  return {
    posts: byId(await k.selectFrom('posts').selectAll().where((eb) => eb.or([eb('department_id', '=', rec.id), eb('id', 'in', postIds)])).execute()),
    events: byId(await k.selectFrom('events').selectAll().where('department_id', '=', rec.id).execute()),
    cases: byId(await k.selectFrom('cases').selectAll().where((eb) => eb.or([eb('lead_department_id', '=', rec.id), eb('id', 'in', caseIds)])).execute()),
    casePosts: await k.selectFrom('case_posts').selectAll().where((eb) => eb.or([eb('case_id', 'in', caseIds), eb('post_id', 'in', postIds)])).orderBy('post_id').execute(),
    caseDepartments: await k.selectFrom('case_departments').selectAll().where('case_id', 'in', caseIds).orderBy('department_id').execute(),
    caseEvents: byId(await k.selectFrom('case_events').selectAll().where('case_id', 'in', caseIds).execute()),
    responses: byId(await k.selectFrom('responses').selectAll().where('case_id', 'in', caseIds).execute()),
    memos: byId(await k.selectFrom('memos').selectAll().where('case_id', 'in', caseIds).execute()),
    instructions: byId(await k.selectFrom('instructions').selectAll().where('memo_id', '=', rec.memo).execute()),
    commitments: byId(await k.selectFrom('commitments').selectAll().where('case_id', 'in', caseIds).execute()),
    alerts: byId(await k.selectFrom('alerts').selectAll().where((eb) => eb.or([eb('department_id', '=', rec.id), eb('case_id', 'in', caseIds)])).execute()),
    alertReads: alertIds.length ? await k.selectFrom('alert_reads').selectAll().where('alert_id', 'in', alertIds).orderBy('alert_id').orderBy('user_id').execute() : [],
    sources: byId(await k.selectFrom('sources').selectAll().where('department_id', '=', rec.id).execute()),
    accounts: byId(await k.selectFrom('responder_accounts').selectAll().where('user_id', 'in', rec.users).execute()),
    channels: byId(await k.selectFrom('channels').selectAll().where('id', '=', rec.channel).execute()),
    rules: byId(await k.selectFrom('watch_rules').selectAll().where('department_id', '=', rec.id).execute()),
    schedules: byId(await k.selectFrom('report_schedules').selectAll().where('department_id', '=', rec.id).execute()),
    attachments: (await k.selectFrom('attachments').select(['id', 'owner_type', 'owner_id', 'size']).where('id', 'in', rec.attachments).orderBy('id').execute()),
    labels: byId(await k.selectFrom('labels').selectAll().where('post_id', 'in', postIds).execute()),
  };
}

/** The texts that name a department's records: its marker and its case numbers. */
export function identifyingTexts(rec: DeptRecords): string[] {
  return [rec.marker, ...rec.caseNumbers];
}
