import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertActsForDepartment, assertCan, canSeeDepartment, departmentScope, isDepartmentScoped } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { postAnalysisJson } from '../analyze/types.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVELS, type RiskLevel } from '../levels.ts';
import { assertWorksOnCase, canSeeCase, loadCase, visibleCase, type CaseRow } from './access.ts';
import { answerDeadlines, departmentGeneralHours } from './deadlines.ts';
import { announceEmergencyProposal } from './emergency.ts';
import { changeCase, logCaseEvent } from './history.ts';
import { nextCaseNumber } from './numbering.ts';
import { loadCaseSettings } from './settings.ts';

/** Opening a case (舆情处置单) from posts or an event, by hand or from analysis, and joining posts to it. */
export const openCaseInput = z.object({
  post_ids: z.array(z.number().int().positive()).max(500).optional(),
  event_id: z.number().int().positive().optional(),
  title: z.string().min(1).max(300).optional(),
  summary: z.string().max(5000).optional(),
  level: z.enum(RISK_LEVELS).optional(),
  emergency: z.boolean().optional().describe('a 特别重大/重大 emergency: 5 h / 24 h clocks (level orange or red)'),
  lead_department_id: z.number().int().positive().optional(),
});
export type OpenCaseInput = z.infer<typeof openCaseInput>;

export interface OpenOptions {
  /** When the item was found (defaults to now); the deadline runs from here. */
  foundAt?: string;
  suggestedDepartmentId?: number | null;
  suggestionReasons?: string[];
  /** Opened by analysis: a proposal of the emergency clocks rides in the post's own alert (alert/hook.ts) rather than a message of its own. */
  proposalInPostAlert?: boolean;
}

type Trx = Transaction<Database>;

/**
 * The posts named by id or through an event. A responder or head names only what they may see:
 * another department's post or event answers exactly like a missing one, and an event brings
 * only its posts they may see.
 */
async function postsOf(trx: Trx, actor: Actor, ids: number[], eventId: number | undefined) {
  const all = new Set(ids);
  if (eventId !== undefined) {
    const ev = await trx.selectFrom('events').select(['id', 'department_id']).where('id', '=', eventId).executeTakeFirst();
    if (!ev || !canSeeDepartment(actor, ev.department_id, await officeDepartmentIds(trx))) {
      throw new ValidationError(`event ${eventId} not found`, t('case.error.eventNotFound', { eventId }));
    }
    const members = await trx.selectFrom('posts').select('id').where('event_id', '=', eventId).where(departmentScope(actor, 'posts.department_id')).execute();
    for (const p of members) all.add(p.id);
  }
  if (all.size === 0) return [];
  const rows = await trx
    .selectFrom('posts')
    .select(['id', 'title', 'text', 'risk_level', 'department_id', 'analysis', 'published_at', 'fetched_at'])
    .where('id', 'in', [...all])
    .where(departmentScope(actor, 'posts.department_id'))
    .orderBy('id')
    .execute();
  for (const id of ids) if (!rows.some((r) => r.id === id)) throw new ValidationError(`post ${id} not found`, t('case.error.postNotFound', { postId: id }));
  return rows;
}

/** A post is in one case at most; the other case is named only to those who may see it. */
async function assertPostsFree(trx: Trx, actor: Actor, postIds: number[], exceptCase?: number) {
  if (postIds.length === 0) return;
  const taken = await trx.selectFrom('case_posts').select(['post_id', 'case_id']).where('post_id', 'in', postIds).execute();
  const other = taken.find((r) => r.case_id !== exceptCase);
  if (!other) return;
  const c = await loadCase(trx, other.case_id);
  if (!(await canSeeCase(trx, actor, c))) {
    throw new ConflictError(`post ${other.post_id} is in another case`, t('case.error.postInHiddenCase', { postId: other.post_id }));
  }
  throw new ConflictError(`post ${other.post_id} is in case ${c.number}`, t('case.error.postInOtherCase', { postId: other.post_id, number: c.number }));
}

function maxLevel(levels: (string | null)[]): RiskLevel {
  let best: RiskLevel = 'blue';
  for (const l of levels) if (l && levelRank(l) > levelRank(best)) best = l as RiskLevel;
  return best;
}

/** `cases.suggestion_reasons`: why analysis suggested the department (null: no suggestion). */
export const suggestionReasonsJson = jsonColumn('cases.suggestion_reasons', z.array(z.string()));

/** The department analysis suggested most often among the posts, with its reasons. */
function suggestionFromPosts(posts: { department_id: number | null; analysis: string | null }[]) {
  const counts = new Map<number, number>();
  for (const p of posts) if (p.department_id !== null) counts.set(p.department_id, (counts.get(p.department_id) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const reasons = new Set<string>();
  for (const p of posts) {
    if (p.department_id !== best) continue;
    for (const r of readJson(postAnalysisJson, p.analysis, null)?.departmentReasons ?? []) reasons.add(r);
  }
  return { id: best, reasons: [...reasons] };
}

/** Opens a case inside the caller's transaction (used by the API and the analysis hook). */
export async function openCaseInTrx(trx: Trx, actor: Actor, input: OpenCaseInput, opts: OpenOptions = {}): Promise<CaseRow> {
  assertCan(actor, 'cases.open');
  const data = openCaseInput.parse(input);
  const posts = await postsOf(trx, actor, data.post_ids ?? [], data.event_id);
  if (posts.length === 0 && !data.title) throw new ValidationError('nothing to open a case from', t('case.error.nothingToOpen'));
  await assertPostsFree(trx, actor, posts.map((p) => p.id));
  let eventTitle: string | null = null;
  let eventLevel: string | null = null;
  if (data.event_id !== undefined) {
    const ev = await trx.selectFrom('events').select(['title', 'risk_level']).where('id', '=', data.event_id).executeTakeFirstOrThrow();
    eventTitle = ev.title;
    eventLevel = ev.risk_level;
  }
  const first = posts[0];
  const title = data.title ?? eventTitle ?? (first ? first.title || first.text.slice(0, 60) : '');
  const level = data.level ?? maxLevel([...posts.map((p) => p.risk_level), eventLevel]);
  const fromPosts = suggestionFromPosts(posts);
  const suggestedId = opts.suggestedDepartmentId !== undefined ? opts.suggestedDepartmentId : fromPosts.id;
  const reasons = opts.suggestionReasons ?? fromPosts.reasons;
  // A responder or head opening by hand opens it for their own department.
  const lead = data.lead_department_id ?? (isDepartmentScoped(actor) ? actor.departmentId : null);
  if (lead !== null) await assertDepartmentExists(trx, lead);
  // ... and never in another department's ledger (nor the office's) with a clock running there.
  if (data.lead_department_id !== undefined) assertActsForDepartment(actor, data.lead_department_id);
  const foundAt = opts.foundAt ?? nowIso();
  const settings = await loadCaseSettings(trx);
  const emergency = data.emergency ?? false;
  const deadlines = answerDeadlines(foundAt, level, emergency, settings, await departmentGeneralHours(trx, lead));
  const { year, seq, number } = await nextCaseNumber(trx, foundAt);
  const now = nowIso();
  const row = await trx
    .insertInto('cases')
    .values({
      number,
      year,
      seq,
      title: title.slice(0, 300),
      summary: data.summary ?? (first ? first.text.slice(0, 500) : null),
      state: 'triage',
      level,
      lead_department_id: lead,
      suggested_department_id: suggestedId,
      suggestion_reasons: reasons.length ? toJson(reasons) : null,
      event_id: data.event_id ?? null,
      opened_by: actor.id,
      opened_at: foundAt,
      deadline_at: deadlines.deadlineAt,
      deadline_kind: deadlines.deadlineKind,
      overdue: 0,
      emergency: emergency ? 1 : 0,
      // 特别重大/重大 without the emergency clocks: proposed for the office to confirm in one click (issue 18).
      emergency_proposed: !emergency && levelRank(level) >= levelRank('orange') ? 1 : 0,
      hard: levelRank(level) >= levelRank('orange') ? 1 : 0,
      press_deadline_at: deadlines.pressDeadlineAt,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (posts.length) await trx.insertInto('case_posts').values(posts.map((p) => ({ case_id: row.id, post_id: p.id }))).execute();
  await logCaseEvent(trx, actor, row, { kind: 'open', toState: 'triage', data: { post_ids: posts.map((p) => p.id), event_id: data.event_id ?? null } }, now);
  await recordAudit(trx, actor, { action: 'case.open', entity: 'case', entityId: row.id, after: row });
  if (!opts.proposalInPostAlert) await announceEmergencyProposal(trx, row);
  return row;
}

export async function assertDepartmentExists(trx: Kysely<Database> | Trx, id: number): Promise<void> {
  const d = await trx.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst();
  if (!d) throw new ValidationError(`department ${id} not found`, t('case.error.departmentNotFound', { id }));
}

export async function openCase(db: Kysely<Database>, actor: Actor, input: OpenCaseInput): Promise<CaseRow> {
  return db.transaction().execute((trx) => openCaseInTrx(trx, actor, input));
}

/** Several posts join one case (idempotent for posts already in it). */
export async function joinPostsInTrx(trx: Trx, actor: Actor, c: CaseRow, postIds: number[]): Promise<CaseRow> {
  const posts = await postsOf(trx, actor, postIds, undefined);
  await assertPostsFree(trx, actor, postIds, c.id);
  const existing = new Set((await trx.selectFrom('case_posts').select('post_id').where('case_id', '=', c.id).execute()).map((r) => r.post_id));
  const fresh = posts.filter((p) => !existing.has(p.id));
  if (fresh.length === 0) return c;
  await trx.insertInto('case_posts').values(fresh.map((p) => ({ case_id: c.id, post_id: p.id }))).execute();
  const level = maxLevel([c.level, ...fresh.map((p) => p.risk_level)]);
  return changeCase(trx, actor, c, { level }, { kind: 'join', data: { post_ids: fresh.map((p) => p.id), level } });
}

export const joinPostsInput = z.object({ post_ids: z.array(z.number().int().positive()).min(1).max(500) });

export async function joinPosts(db: Kysely<Database>, actor: Actor, caseId: number, postIds: number[]): Promise<CaseRow> {
  assertCan(actor, 'cases.open');
  const c = await visibleCase(db, actor, caseId);
  await assertWorksOnCase(db, actor, c);
  return db.transaction().execute(async (trx) => joinPostsInTrx(trx, actor, await loadCase(trx, caseId), postIds));
}
