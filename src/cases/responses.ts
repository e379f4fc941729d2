import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { z } from 'zod';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, can, canSeeDepartment } from '../auth/policy.ts';
import type { Database, ResponseTable } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { assertWorksOnCase, loadCase, visibleCase, type CaseRow } from './access.ts';
import { localDate } from '../time/calendar.ts';
import { checkResponse, type CheckIssue } from './checks.ts';
import { changeCase, logCaseEvent, moveCase } from './history.ts';
import { loadCaseSettings } from './settings.ts';
import { RESPONSE_MOVES, RESPONSE_STATUSES, type ResponseCommand } from './response-states.ts';
import { fillTemplate, templateBody } from './templates.ts';
import { RESPONSE_KINDS, RESPONSE_ORIGINS, type CaseEventKind, type ResponseKind } from './vocabulary.ts';
import { shapeOf } from '../shapes.ts';

/**
 * Responses (回复): drafted from a template and filled from the department's record, checked,
 * approved by the right person (the department's head; the office for the bureau's own
 * replies; a leader for hard cases), returned with the reviewer's comment, and recorded with
 * the URL and the responder account once posted.
 */
export type ResponseRow = Selectable<ResponseTable>;

/** A response as stored: verification and attachment ids are JSON text. */
export const responseRowSchema = shapeOf<ResponseRow>()({
  id: z.number(),
  case_id: z.number(),
  kind: z.enum(RESPONSE_KINDS),
  body: z.string(),
  department_id: z.number().nullable(),
  responder_account_id: z.number().nullable(),
  status: z.enum(RESPONSE_STATUSES),
  url: z.string().nullable(),
  drafted_by: z.number().nullable(),
  drafted_at: z.string(),
  reviewer_id: z.number().nullable(),
  review_comment: z.string().nullable(),
  approved_at: z.string().nullable(),
  posted_at: z.string().nullable(),
  verified_at: z.string().nullable(),
  verification: z.string().nullable().describe('JSON'),
  attachments: z.string().describe('JSON list of attachment ids'),
  updated_at: z.string(),
  origin: z.enum(RESPONSE_ORIGINS).describe("recorded in Minsheng, or a registered account's reply collection found"),
});
type Trx = Transaction<Database>;

export const draftInput = z.object({
  kind: z.enum(RESPONSE_KINDS).optional().describe('reply (three parts), firm (malicious attack), statement (dedicated post); default firm when a post is flagged as an attack'),
  template: z.string().max(100).optional().describe('a reply template name; default the first of the kind'),
  body: z.string().max(20000).optional().describe('the full text; when absent the template is filled'),
  situation: z.string().max(5000).optional(),
  measures: z.string().max(5000).optional(),
  facts: z.string().max(10000).optional().describe('authoritative facts: a firm statement states them, a statement gives them before the situation'),
  subject: z.string().max(200).optional().describe("事由 of a statement or firm statement, e.g. 沿港西路改建工程推进情况 (its title is 关于{subject}的情况说明; never the citizen's headline)"),
  in_name_of: z.enum(['department', 'bureau']).optional().describe("bureau: the office replies in the bureau's name"),
  from_response: z.number().int().positive().optional().describe('以此为起点: start from this approved reply of a past case (its text and kind; the viewer must see its case)'),
});
export type DraftInput = z.infer<typeof draftInput>;

async function loadResponse(db: Kysely<Database> | Trx, id: number): Promise<ResponseRow> {
  const row = await db.selectFrom('responses').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`response ${id}`);
  return row;
}

/** A response and its case, checked for visibility (and department work when `work`). */
export async function responseWithCase(db: Kysely<Database>, actor: Actor, id: number, work = false): Promise<{ response: ResponseRow; case: CaseRow }> {
  const response = await loadResponse(db, id);
  const c = await visibleCase(db, actor, response.case_id);
  if (work) await assertWorksOnCase(db, actor, c);
  return { response, case: c };
}

/**
 * Who speaks in a response: a department in its own name; the bureau (a reply drafted by the
 * office) as the bureau (its full name from the settings, else the office's name) and signing
 * with its official account (the settings' official_account, else the office's one registered
 * account, else the bureau's name) — the seed's 岱山建设.
 */
export async function speakerNames(db: Kysely<Database> | Trx, dept: { name: string; is_office: number } | null): Promise<{ department: string | undefined; signature: string | undefined }> {
  if (dept && dept.is_office !== 1) return { department: dept.name, signature: dept.name };
  const settings = await loadCaseSettings(db);
  const bureau = settings.bureau_name.trim() || dept?.name;
  let account = settings.official_account.trim();
  if (!account) {
    const office = await db
      .selectFrom('responder_accounts')
      .innerJoin('users', 'users.id', 'responder_accounts.user_id')
      .innerJoin('departments', 'departments.id', 'users.department_id')
      .select('responder_accounts.username')
      .where('departments.is_office', '=', 1)
      .execute();
    const distinct = [...new Set(office.map((o) => o.username))];
    if (distinct.length === 1) account = distinct[0];
  }
  return { department: bureau, signature: account || bureau };
}

async function replyingDepartment(db: Kysely<Database> | Trx, actor: Actor, inNameOf: DraftInput['in_name_of']): Promise<number | null> {
  const offices = await officeDepartmentIds(db);
  if (actor.role === 'office') {
    if (inNameOf === 'department' && actor.departmentId !== null && !offices.includes(actor.departmentId)) return actor.departmentId;
    return actor.departmentId !== null && offices.includes(actor.departmentId) ? actor.departmentId : (offices[0] ?? actor.departmentId);
  }
  if (inNameOf === 'bureau') throw new AppError(`${actor.name} may not reply in the bureau's name`, 403, 'forbidden', t('case.error.bureauOnlyOffice'));
  return actor.departmentId;
}

export async function draftResponse(db: Kysely<Database>, actor: Actor, caseId: number, input: DraftInput): Promise<ResponseRow> {
  assertCan(actor, 'cases.draft');
  const data = draftInput.parse(input);
  const c0 = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c0);
  const past = data.from_response === undefined ? null : await pastReply(db, actor, data.from_response);
  return db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const departmentId = await replyingDepartment(trx, actor, data.in_name_of);
    const dept = departmentId === null ? null : await trx.selectFrom('departments').select(['name', 'phone', 'is_office']).where('id', '=', departmentId).executeTakeFirst();
    const attacked = await trx
      .selectFrom('case_posts')
      .innerJoin('posts', 'posts.id', 'case_posts.post_id')
      .select('posts.id')
      .where('case_posts.case_id', '=', caseId)
      .where('posts.abuse', '=', 1)
      .executeTakeFirst();
    const kind: ResponseKind = data.kind ?? past?.kind ?? (attacked ? 'firm' : 'reply');
    const names = await speakerNames(trx, dept ?? null);
    const body =
      data.body ??
      past?.body ??
      fillTemplate(
        await templateBody(trx, kind, data.template),
        {
          department: names.department,
          signature: names.signature,
          phone: dept?.phone,
          title: c.title,
          case_number: c.number,
          date: localDate(new Date()),
          situation: data.situation,
          measures: data.measures,
          facts: data.facts,
          subject: data.subject,
        },
        // A statement gives its facts, its situation, or both.
        kind === 'statement' ? (data.facts?.trim() ? ['facts', 'situation'] : ['facts']) : [],
      );
    const now = nowIso();
    const row = await trx
      .insertInto('responses')
      .values({ case_id: caseId, kind, body, department_id: departmentId, status: 'draft', drafted_by: actor.id, drafted_at: now, attachments: '[]', updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await moveCase(trx, actor, c, 'draft', {}, null, past ? { response_id: row.id, kind, from_response: past.id } : { response_id: row.id, kind });
    await recordAudit(trx, actor, { action: 'response.draft', entity: 'response', entityId: row.id, after: past ? { ...row, from_response: past.id, from_case: past.case_id } : row });
    return row;
  });
}

/**
 * A past case's approved reply to start a draft from (以此为起点): the actor must see that case
 * (a responder only their department's and the office's), and the reply must have been approved.
 */
async function pastReply(db: Kysely<Database>, actor: Actor, id: number): Promise<ResponseRow> {
  const { response } = await responseWithCase(db, actor, id);
  if (response.status !== 'approved' && response.status !== 'posted') {
    throw new ConflictError(`response ${id} is ${response.status}, not approved`, t('case.error.pastReplyNotApproved'));
  }
  return response;
}

export const editInput = z.object({ body: z.string().min(1).max(20000), kind: z.enum(RESPONSE_KINDS).optional() });

export async function editResponse(db: Kysely<Database>, actor: Actor, id: number, input: z.infer<typeof editInput>): Promise<ResponseRow> {
  assertCan(actor, 'cases.draft');
  const data = editInput.parse(input);
  const { response } = await responseWithCase(db, actor, id, true);
  RESPONSE_MOVES.next(response.status, 'edit');
  return db.transaction().execute(async (trx) => {
    const after = await moveResponse(trx, response, 'edit', { body: data.body, kind: data.kind ?? response.kind });
    await recordAudit(trx, actor, { action: 'response.edit', entity: 'response', entityId: id, before: response, after });
    return after;
  });
}

export const checkResultSchema = shapeOf<Awaited<ReturnType<typeof checkDraft>>>()({
  ok: z.boolean(),
  issues: z.array(
    shapeOf<CheckIssue>()({
      code: z.enum(['stock_phrase', 'missing_thanks', 'missing_situation', 'missing_contact', 'missing_phone', 'missing_facts', 'placeholder', 'empty']),
      message: z.string(),
      phrase: z.string().optional(),
    }),
  ),
});

export async function checkDraft(db: Kysely<Database>, actor: Actor, id: number): Promise<{ ok: boolean; issues: CheckIssue[] }> {
  const { response } = await responseWithCase(db, actor, id);
  const issues = checkResponse(response.kind, response.body, (await loadCaseSettings(db)).stock_phrases);
  return { ok: issues.length === 0, issues };
}

async function assertPasses(trx: Trx, r: ResponseRow): Promise<void> {
  const issues = checkResponse(r.kind, r.body, (await loadCaseSettings(trx)).stock_phrases);
  if (issues.length) throw new ValidationError(`draft fails ${issues.length} checks`, t('case.error.checkFailed', { issues: issues.map((i) => i.message).join('；') }), issues);
}

/**
 * The one way a response changes status (and its other fields with it): the transition table
 * (response-states.ts) must allow `command` from the status read before, and the update is
 * guarded by that status, so a concurrent change that got there first is refused the same way.
 */
export async function moveResponse(trx: Trx, r: ResponseRow, command: ResponseCommand, patch: Updateable<ResponseTable> = {}): Promise<ResponseRow> {
  const status = RESPONSE_MOVES.next(r.status, command);
  const after = await trx
    .updateTable('responses')
    .set({ ...patch, status, updated_at: nowIso() })
    .where('id', '=', r.id)
    .where('status', '=', r.status)
    .returningAll()
    .executeTakeFirst();
  if (!after) throw RESPONSE_MOVES.refuse((await loadResponse(trx, r.id)).status, command);
  return after;
}

export async function submitResponse(db: Kysely<Database>, actor: Actor, id: number): Promise<ResponseRow> {
  assertCan(actor, 'cases.draft');
  const { response } = await responseWithCase(db, actor, id, true);
  RESPONSE_MOVES.next(response.status, 'submit');
  return db.transaction().execute(async (trx) => {
    await assertPasses(trx, response);
    const c = await loadCase(trx, response.case_id);
    const after = await moveResponse(trx, response, 'submit');
    await moveCase(trx, actor, c, 'submit', {}, null, { response_id: id });
    await recordAudit(trx, actor, { action: 'response.submit', entity: 'response', entityId: id, before: response, after });
    await tellDepartment(trx, c, after, t('notice.response.submitted', { number: c.number, title: c.title, who: t(`case.error.approver.${c.hard === 1 ? 'leader' : 'head'}`) }));
    return after;
  });
}

/** Who approves: a leader always; hard cases only a leader; the office its own (bureau) replies; else the department's head. */
async function assertApprover(db: Kysely<Database>, actor: Actor, c: CaseRow, r: ResponseRow): Promise<void> {
  if (actor.role === 'leader') return;
  const refuse = (who: string) =>
    new AppError(`${actor.name} may not approve response ${r.id}`, 403, 'forbidden', t('case.error.notApprover', { who: t(`case.error.approver.${who}`) }));
  if (c.hard === 1) throw refuse('leader');
  const offices = await officeDepartmentIds(db);
  const bureau = r.department_id === null || offices.includes(r.department_id);
  if (bureau) {
    if (actor.role !== 'office') throw refuse('office');
    return;
  }
  if (actor.role !== 'head' || actor.departmentId !== r.department_id) throw refuse('head');
}

export const reviewInput = z.object({ comment: z.string().max(5000).optional() });

export async function approveResponse(db: Kysely<Database>, actor: Actor, id: number, comment?: string): Promise<ResponseRow> {
  assertCan(actor, 'cases.approve');
  const { response, case: c } = await responseWithCase(db, actor, id);
  await assertApprover(db, actor, c, response);
  RESPONSE_MOVES.next(response.status, 'approve');
  return db.transaction().execute(async (trx) => {
    await assertPasses(trx, response);
    const now = nowIso();
    const after = await moveResponse(trx, response, 'approve', { reviewer_id: actor.id, review_comment: comment ?? null, approved_at: now });
    await moveCase(trx, actor, await loadCase(trx, c.id), 'approve', {}, comment ?? null, { response_id: id });
    await recordAudit(trx, actor, { action: 'response.approve', entity: 'response', entityId: id, before: response, after });
    return after;
  });
}

export async function returnResponse(db: Kysely<Database>, actor: Actor, id: number, comment: string | undefined): Promise<ResponseRow> {
  assertCan(actor, 'cases.approve');
  if (!comment || !comment.trim()) throw new ValidationError('a return needs a comment', t('case.error.commentRequired'));
  const { response, case: c } = await responseWithCase(db, actor, id);
  await assertApprover(db, actor, c, response);
  RESPONSE_MOVES.next(response.status, 'return');
  return db.transaction().execute(async (trx) => {
    const after = await moveResponse(trx, response, 'return', { reviewer_id: actor.id, review_comment: comment });
    await moveCase(trx, actor, await loadCase(trx, c.id), 'return', {}, comment, { response_id: id });
    await recordAudit(trx, actor, { action: 'response.return', entity: 'response', entityId: id, before: response, after });
    await tellDepartment(trx, c, after, t('notice.response.returned', { number: c.number, title: c.title, comment }));
    return after;
  });
}

export const postedInput = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000).describe('where the reply was posted'),
  responder_account_id: z.number().int().positive().optional().describe('the registered account it was posted under'),
  posted_at: z.iso.datetime().optional(),
});

/** The approved reply was posted: record URL and account; the case becomes 已回复. */
export async function recordPosted(db: Kysely<Database>, actor: Actor, id: number, input: z.infer<typeof postedInput>): Promise<ResponseRow> {
  assertCan(actor, 'cases.recordReply');
  const data = postedInput.parse(input);
  const { response, case: c } = await responseWithCase(db, actor, id, true);
  // Posting waits for the approval; a reply already posted is refused by the table.
  if (response.status !== 'posted' && !RESPONSE_MOVES.can(response.status, 'post')) throw new ConflictError(`response ${id} is not approved`, t('case.error.noApprovedResponse'));
  RESPONSE_MOVES.next(response.status, 'post');
  return db.transaction().execute(async (trx) => {
    if (data.responder_account_id !== undefined) {
      const acc = await trx
        .selectFrom('responder_accounts')
        .innerJoin('users', 'users.id', 'responder_accounts.user_id')
        .select(['responder_accounts.username', 'users.department_id'])
        .where('responder_accounts.id', '=', data.responder_account_id)
        .executeTakeFirst();
      // Another department's account answers exactly like a missing one (its username stays there).
      const visible = acc && (can(actor, 'accounts.readAll') || canSeeDepartment(actor, acc.department_id, await officeDepartmentIds(trx)));
      if (!acc || !visible) throw new NotFoundError(`responder account ${data.responder_account_id}`);
      if (acc.department_id !== response.department_id) {
        throw new ValidationError(`account ${acc.username} is not of the replying department`, t('case.error.accountNotAllowed', { username: acc.username }));
      }
    }
    const postedAt = data.posted_at ? new Date(data.posted_at).toISOString() : nowIso();
    const after = await moveResponse(trx, response, 'post', { url: data.url, responder_account_id: data.responder_account_id ?? null, posted_at: postedAt });
    const current = await loadCase(trx, c.id);
    // Answered after the deadline counts as overdue even if the deadline watch had not run yet.
    const late = current.replied_at === null && current.deadline_at !== null && postedAt > current.deadline_at;
    if (current.state === 'replied' || current.state === 'following_up') {
      // Collection already found a reply of ours and moved the case: this one is recorded beside it.
      await changeCase(trx, actor, current, {}, { kind: 'recordReply', data: { response_id: id, url: data.url } });
    } else {
      await moveCase(trx, actor, current, 'recordReply', { replied_at: current.replied_at ?? postedAt, overdue: late ? 1 : current.overdue }, null, { response_id: id, url: data.url, late });
    }
    await recordAudit(trx, actor, { action: 'response.posted', entity: 'response', entityId: id, before: response, after });
    return after;
  });
}

export async function listResponses(db: Kysely<Database>, actor: Actor, caseId: number): Promise<ResponseRow[]> {
  await visibleCase(db, actor, caseId);
  return db.selectFrom('responses').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

/** Tells the replying department's channels about a review step (submitted, returned). */
async function tellDepartment(trx: Trx, c: CaseRow, r: ResponseRow, title: string): Promise<void> {
  await enqueueNotice(trx, {
    kind: 'case.review',
    key: `case.review|response:${r.id}|${r.status}|${r.updated_at}`,
    level: c.level,
    title,
    body: r.body.slice(0, 500),
    departmentId: r.department_id,
    caseId: c.id,
  });
}

/** Writes a case event about a response without moving the case (e.g. verification). */
export async function noteOnCase(trx: Trx, actor: Actor, c: CaseRow, kind: CaseEventKind, data: Record<string, unknown>): Promise<void> {
  await logCaseEvent(trx, actor, c, { kind, data });
  await recordAudit(trx, actor, { action: `case.${kind}`, entity: 'case', entityId: c.id, after: data });
}

