import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { assertCan, can, isDepartmentScoped } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { num, readJson } from '../db/values.ts';
import { caseEventDataJson } from './history.ts';
import { suggestionReasonsJson } from './open.ts';
import { responseVerificationJson } from './verify.ts';
import { closeOpenJson, closeOpenSchema, describeOpen, openAtClose } from './workflow.ts';
import { caseFeedbackSchema, feedbackOfCase } from './feedback.ts';
import { RISK_LEVELS } from '../levels.ts';
import { APPEAL_LABELS } from '../analyze/vocabulary.ts';
import { caseRowSchema, caseScope, visibleCase } from './access.ts';
import { localInstant } from '../time/calendar.ts';
import { attachmentInfoSchema, listAttachments } from './attachments.ts';
import { commitmentSchema } from './commitments.ts';
import { caseEventRowSchema } from './history.ts';
import { instructionRowSchema, memoRowSchema } from './memos.ts';
import { responseRowSchema } from './responses.ts';
import { shapeOf } from '../shapes.ts';
import { CASE_STATES, movesFrom, stateLabel, TRANSITIONS, type CaseCommand } from './states.ts';

/** The ledger (台账): listing and filtering cases within the actor's scope, and one case in full. */
export const ledgerQuery = z.object({
  state: z
    .union([z.enum(CASE_STATES), z.array(z.enum(CASE_STATES))])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
  department_id: z.coerce.number().int().positive().optional().describe('lead or assisting'),
  level: z.enum(RISK_LEVELS).optional(),
  appeal: z.enum(APPEAL_LABELS).optional().describe('cases with a post of this 诉求类型'),
  overdue: z.union([z.boolean(), z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true')]).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'YYYY-MM-DD').optional().describe('opened on or after this Beijing date (or ISO instant)'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'YYYY-MM-DD').optional().describe('opened before this Beijing date (or ISO instant), exclusive'),
  q: z.string().max(200).optional().describe('text in number, title or summary'),
  limit: z.coerce.number().int().min(1).max(10000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type LedgerQuery = z.input<typeof ledgerQuery>;

/** A plain date is a Beijing calendar day (its local midnight); a full timestamp is taken as given. */
function periodBound(v: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return localInstant(v, 0).toISOString();
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filtered(db: Kysely<Database>, actor: Actor, q: z.output<typeof ledgerQuery>) {
  let query = db.selectFrom('cases').where(caseScope(actor));
  if (q.state?.length) query = query.where('cases.state', 'in', q.state);
  if (q.level) query = query.where('cases.level', '=', q.level);
  if (q.overdue !== undefined) query = query.where('cases.overdue', '=', q.overdue ? 1 : 0);
  if (q.appeal) {
    const appeal = q.appeal;
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('case_posts').innerJoin('posts', 'posts.id', 'case_posts.post_id').select('case_posts.case_id').whereRef('case_posts.case_id', '=', 'cases.id').where('posts.appeal_label', '=', appeal),
      ),
    );
  }
  if (q.from) query = query.where('cases.opened_at', '>=', periodBound(q.from));
  if (q.to) query = query.where('cases.opened_at', '<', periodBound(q.to));
  if (q.department_id) {
    const d = q.department_id;
    query = query.where((eb) =>
      eb.or([
        eb('cases.lead_department_id', '=', d),
        eb.exists(eb.selectFrom('case_departments').select('case_departments.case_id').whereRef('case_departments.case_id', '=', 'cases.id').where('case_departments.department_id', '=', d)),
      ]),
    );
  }
  if (q.q?.trim()) {
    const like = `%${escapeLike(q.q.trim())}%`;
    query = query.where((eb) =>
      eb.or([sql<boolean>`${eb.ref('cases.number')} like ${like} escape '\\'`, sql<boolean>`${eb.ref('cases.title')} like ${like} escape '\\'`, sql<boolean>`coalesce(${eb.ref('cases.summary')}, '') like ${like} escape '\\'`]),
    );
  }
  return query;
}

/** A line of the ledger. */
export const ledgerItemSchema = z.object({
  id: z.number(),
  number: z.string(),
  title: z.string(),
  state: z.string(),
  state_label: z.string(),
  level: z.string(),
  lead_department_id: z.number().nullable(),
  lead_department: z.string().nullable(),
  assisting: z.array(z.object({ id: z.number(), name: z.string() })),
  opened_at: z.string(),
  deadline_at: z.string().nullable(),
  deadline_kind: z.string().nullable(),
  overdue: z.boolean(),
  emergency: z.boolean(),
  replied_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  close_reason: z.string().nullable().describe('the reason given for closing while something was still open'),
  closed_with_open: z.string().nullable().describe('what was still open at closing, as people read it (e.g. 1 条领导批示未办理)'),
});
export type LedgerItem = z.infer<typeof ledgerItemSchema>;
export const ledgerPageSchema = z.object({ total: z.number(), items: z.array(ledgerItemSchema) });

export async function listLedger(db: Kysely<Database>, actor: Actor, input: LedgerQuery): Promise<z.infer<typeof ledgerPageSchema>> {
  assertCan(actor, 'cases.read');
  const q = ledgerQuery.parse(input);
  const [countRow, rows] = await Promise.all([
    filtered(db, actor, q).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    filtered(db, actor, q)
      .leftJoin('departments as lead', 'lead.id', 'cases.lead_department_id')
      .select([
        'cases.id',
        'cases.number',
        'cases.title',
        'cases.state',
        'cases.level',
        'cases.lead_department_id',
        'lead.name as lead_department',
        'cases.opened_at',
        'cases.deadline_at',
        'cases.deadline_kind',
        'cases.overdue',
        'cases.emergency',
        'cases.replied_at',
        'cases.closed_at',
        'cases.close_reason',
        'cases.close_open',
      ])
      .orderBy('cases.opened_at', 'desc')
      .orderBy('cases.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
  ]);
  const ids = rows.map((r) => r.id);
  const assisting = new Map<number, { id: number; name: string }[]>();
  if (ids.length) {
    let aq = db
      .selectFrom('case_departments')
      .innerJoin('departments', 'departments.id', 'case_departments.department_id')
      .select(['case_departments.case_id', 'departments.id', 'departments.name']);
    // A long page reads the (small) assisting table whole rather than binding thousands of ids.
    if (ids.length <= 500) aq = aq.where('case_departments.case_id', 'in', ids);
    for (const a of await aq.execute()) {
      const list = assisting.get(a.case_id) ?? [];
      list.push({ id: a.id, name: a.name });
      assisting.set(a.case_id, list);
    }
  }
  const labels = new Map<string, string>(CASE_STATES.map((st) => [st, stateLabel(st)]));
  return {
    total: num(countRow?.n),
    items: rows.map(({ close_open, ...r }) => ({
      ...r,
      closed_with_open: close_open === null ? null : describeOpen(readJson(closeOpenJson, close_open, { instructions: 0, unverified: 0, commitments: 0 })) || null,
      state_label: labels.get(r.state) ?? r.state,
      overdue: r.overdue === 1,
      emergency: r.emergency === 1,
      assisting: assisting.get(r.id) ?? [],
    })),
  };
}

/** One case with everything the console shows: posts, routing, history, responses, memos, commitments, allowed moves. */
export async function caseDetail(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'cases.read');
  const c = await visibleCase(db, actor, id);
  const [posts, departments, events, responses, memos, commitments] = await Promise.all([
    db
      .selectFrom('case_posts')
      .innerJoin('posts', 'posts.id', 'case_posts.post_id')
      .innerJoin('sources', 'sources.id', 'posts.source_id')
      .select(['posts.id', 'posts.title', 'posts.url', 'posts.author', 'posts.published_at', 'posts.risk_level', 'posts.abuse', 'sources.name as source_name'])
      .where('case_posts.case_id', '=', id)
      .orderBy('posts.id')
      .execute(),
    db.selectFrom('departments').select(['id', 'code', 'name', 'phone', 'is_office']).execute(),
    db.selectFrom('case_events').leftJoin('users', 'users.id', 'case_events.actor_id').selectAll('case_events').select('users.display_name as actor_name').where('case_id', '=', id).orderBy('case_events.id').execute(),
    db.selectFrom('responses').selectAll().where('case_id', '=', id).orderBy('id').execute(),
    db.selectFrom('memos').leftJoin('users', 'users.id', 'memos.signed_by').selectAll('memos').select('users.display_name as signed_by_name').where('memos.case_id', '=', id).orderBy('memos.id').execute(),
    db.selectFrom('commitments').selectAll().where('case_id', '=', id).orderBy('due_at').execute(),
  ]);
  const assisting = await db.selectFrom('case_departments').select('department_id').where('case_id', '=', id).execute();
  const [open, feedback] = await Promise.all([openAtClose(db, id), feedbackOfCase(db, id)]);
  const dept = (d: number | null) => departments.find((x) => x.id === d) ?? null;
  const instructions = memos.length
    ? await db.selectFrom('instructions').selectAll().where('memo_id', 'in', memos.map((m) => m.id)).orderBy('id').execute()
    : [];
  return {
    ...c,
    state_label: stateLabel(c.state),
    /** Moves the table allows from this state and the actor's role may make (department checks apply on use). */
    moves: movesFrom(c.state).filter((m) => can(actor, TRANSITIONS[m].permission)),
    lead_department: dept(c.lead_department_id),
    suggested_department: dept(c.suggested_department_id),
    suggestion_reasons: readJson(suggestionReasonsJson, c.suggestion_reasons, []),
    assisting_departments: assisting.map((a) => dept(a.department_id)).filter((d) => d !== null),
    posts,
    events: events.map((e) => ({ ...e, data: readJson(caseEventDataJson, e.data, null) })),
    responses: await Promise.all(responses.map(async (r) => ({ ...r, verification: readJson(responseVerificationJson, r.verification, null), attachments: await listAttachments(db, r.id) }))),
    memos: memos.map((m) => ({ ...m, instructions: instructions.filter((i) => i.memo_id === m.id) })),
    commitments,
    /** What would make closing ask for a reason now. */
    open_items: { ...open, text: describeOpen(open) },
    closed_with_open: c.close_open === null ? null : describeOpen(readJson(closeOpenJson, c.close_open, { instructions: 0, unverified: 0, commitments: 0 })) || null,
    /** What people said back after our reply. */
    feedback,
  };
}

type CaseDetail = Awaited<ReturnType<typeof caseDetail>>;
const departmentRef = shapeOf<NonNullable<CaseDetail['lead_department']>>()({ id: z.number(), code: z.string(), name: z.string(), phone: z.string().nullable(), is_office: z.number() });

/** One case in full, as the console's case page shows it. */
export const caseDetailSchema = shapeOf<CaseDetail>()({
  ...caseRowSchema.shape,
  state_label: z.string(),
  moves: z.array(z.enum(Object.keys(TRANSITIONS) as [CaseCommand, ...CaseCommand[]])).describe('moves the table allows from this state and the role may make'),
  lead_department: departmentRef.nullable(),
  suggested_department: departmentRef.nullable(),
  suggestion_reasons: z.array(z.string()),
  assisting_departments: z.array(departmentRef),
  posts: z.array(
    shapeOf<CaseDetail['posts'][number]>()({
      id: z.number(),
      title: z.string(),
      url: z.string().nullable(),
      author: z.string().nullable(),
      published_at: z.string().nullable(),
      risk_level: z.enum(RISK_LEVELS).nullable(),
      abuse: z.number(),
      source_name: z.string(),
    }),
  ),
  events: z.array(caseEventRowSchema.extend({ actor_name: z.string().nullable(), data: caseEventDataJson.schema.nullable() })),
  responses: z.array(responseRowSchema.extend({ verification: responseVerificationJson.schema.nullable(), attachments: z.array(attachmentInfoSchema) })),
  memos: z.array(memoRowSchema.extend({ signed_by_name: z.string().nullable().describe('签发: who sent it'), instructions: z.array(instructionRowSchema) })),
  commitments: z.array(commitmentSchema),
  open_items: closeOpenSchema.extend({ text: z.string().describe('as people read it; empty when nothing is open') }).describe('what would make closing ask for a reason now'),
  closed_with_open: z.string().nullable().describe('what was still open when the case was closed'),
  feedback: caseFeedbackSchema,
});
