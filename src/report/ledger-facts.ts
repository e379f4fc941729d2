import type { Kysely } from 'kysely';
import { addWorkingDays, localInstant, workingHoursBetween } from '../time/calendar.ts';
import type { CaseEventKind } from '../cases/vocabulary.ts';
import type { Database } from '../db/schema.ts';
import { caseEventDataJson } from '../cases/history.ts';
import { readJson } from '../db/values.ts';
import { levelRank } from '../levels.ts';
import { addDays, type Period } from './period.ts';

/**
 * Per-case facts read from the ledger, from which department timeliness and the annual
 * assessment are aggregated. Everything is derived from rows the ledger writes (cases,
 * case_events, responses, memos/instructions, commitments, linked posts).
 */
export interface CaseFacts {
  caseId: number;
  departmentId: number | null;
  openedAt: string;
  deadline: string;
  repliedAt: string | null;
  /** Replied, or its deadline has passed by the as-of instant: it counts for the on-time rate. */
  due: boolean;
  onTime: boolean;
  late: boolean;
  replyWorkingHours: number | null;
  /**
   * After our reply: did the risk stay where it was (no escalation, no higher level, no riskier
   * follow-up post, and no 升级苗头 in what people wrote back that a later 满意/认可 did not settle)?
   */
  escalationPrevented: boolean | null;
  /**
   * What people said back after the reply: good / not good. From the 跟帖 and later posts the
   * ledger read (cases/feedback.ts: 满意/认可 good; 继续追问 and 升级苗头 not), else, for a case
   * whose feedback was never read, the sentiment of later posts of the case and its event.
   */
  followUpGood: number;
  followUpBad: number;
  /** What people said back, by class (cases/feedback.ts); zero when none was read. */
  feedback: { satisfied: number; asking: number; escalating: number };
  /** People's marks (12345-style ratings) on the case: good / not good. */
  marksGood: number;
  marksBad: number;
  responsesPosted: number;
  responsesVerified: number;
}

export interface MemoFacts {
  departmentId: number | null;
  /** Every 批示 on the memo handled within its due time (3 working days by default). */
  onTime: boolean;
}

export interface CommitmentFacts {
  departmentId: number | null;
  onTime: boolean;
}

export interface LedgerFacts {
  cases: CaseFacts[];
  memos: MemoFacts[];
  commitments: CommitmentFacts[];
}

const CHUNK = 800;

/** A due date without a time means the end of that day in Beijing. */
function endOfDue(due: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(due) ? localInstant(addDays(due, 1), 0).toISOString() : due;
}

async function chunked<T>(ids: number[], fetch: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await fetch(ids.slice(i, i + CHUNK))));
  return out;
}

/** A mark: 1–5 stars (4–5 good), or words (满意/基本满意 good, 不满意 not). */
export function markIsGood(data: unknown): boolean | null {
  const d = (data ?? {}) as { score?: unknown; mark?: unknown; satisfaction?: unknown };
  if (typeof d.score === 'number' && Number.isFinite(d.score)) return d.score >= 4;
  const word = String(d.mark ?? d.satisfaction ?? '').trim().toLowerCase();
  if (!word) return null;
  if (['不满意', 'unsatisfied', 'dissatisfied', 'bad'].includes(word)) return false;
  if (['满意', '基本满意', '非常满意', 'satisfied', 'basically_satisfied', 'good'].includes(word)) return true;
  return null;
}

/** Case events that carry the petitioner's satisfaction mark. */
export const MARK_EVENT_KINDS: CaseEventKind[] = ['rating'];

export async function ledgerFacts(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, asOf: string): Promise<LedgerFacts> {
  const cases = await db
    .selectFrom('cases')
    .select(['id', 'lead_department_id', 'opened_at', 'deadline_at', 'replied_at', 'level', 'event_id'])
    .where('opened_at', '>=', period.start)
    .where('opened_at', '<', period.end)
    .execute();
  const ids = cases.map((c) => c.id);

  const responses = await chunked(ids, (chunk) =>
    db.selectFrom('responses').select(['case_id', 'posted_at', 'verified_at']).where('case_id', 'in', chunk).where('posted_at', 'is not', null).execute(),
  );
  const events = await chunked(ids, (chunk) =>
    db.selectFrom('case_events').select(['case_id', 'at', 'kind', 'to_state', 'data']).where('case_id', 'in', chunk).where('kind', 'in', ['update', 'join', 'escalate', ...MARK_EVENT_KINDS]).execute(),
  );
  const escalatedMoves = await chunked(ids, (chunk) =>
    db.selectFrom('case_events').select(['case_id', 'at', 'kind', 'to_state', 'data']).where('case_id', 'in', chunk).where('to_state', '=', 'escalated').execute(),
  );
  const linked = await chunked(ids, (chunk) =>
    db
      .selectFrom('case_posts')
      .innerJoin('posts', 'posts.id', 'case_posts.post_id')
      .select(['case_posts.case_id', 'posts.id', 'posts.published_at', 'posts.fetched_at', 'posts.risk_level', 'posts.sentiment_label'])
      .where('case_posts.case_id', 'in', chunk)
      .execute(),
  );
  const feedbackRows = await chunked(ids, (chunk) =>
    db.selectFrom('case_feedback').select(['case_id', 'at', 'class']).where('case_id', 'in', chunk).where('class', '!=', 'neutral').orderBy('at').execute(),
  );
  const eventIds = [...new Set(cases.map((c) => c.event_id).filter((e): e is number => e != null))];
  const eventPosts = await chunked(eventIds, (chunk) =>
    db.selectFrom('posts').select(['event_id', 'id', 'published_at', 'fetched_at', 'risk_level', 'sentiment_label']).where('event_id', 'in', chunk).execute(),
  );

  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const m = new Map<K, T[]>();
    for (const r of rows) {
      const k = key(r);
      let l = m.get(k);
      if (!l) m.set(k, (l = []));
      l.push(r);
    }
    return m;
  };
  const responsesBy = group(responses, (r) => r.case_id);
  const eventsBy = group([...events, ...escalatedMoves], (r) => r.case_id);
  const linkedBy = group(linked, (r) => r.case_id);
  const eventPostsBy = group(eventPosts, (r) => r.event_id);
  const feedbackBy = group(feedbackRows, (r) => r.case_id);

  const facts: CaseFacts[] = cases.map((c) => {
    const deadline = c.deadline_at ?? addWorkingDays(c.opened_at, 0).toISOString();
    const posted = (responsesBy.get(c.id) ?? []).map((r) => r.posted_at!).sort();
    const repliedAt = c.replied_at ?? posted[0] ?? null;
    const due = repliedAt !== null || deadline < asOf;
    const onTime = repliedAt !== null && repliedAt <= deadline;
    const evs = eventsBy.get(c.id) ?? [];

    const postsById = new Map<number, { at: string; risk: string | null; sentiment: string | null }>();
    for (const p of [...(linkedBy.get(c.id) ?? []), ...(c.event_id != null ? eventPostsBy.get(c.event_id) ?? [] : [])]) {
      postsById.set(p.id, { at: p.published_at ?? p.fetched_at, risk: p.risk_level, sentiment: p.sentiment_label });
    }
    const allPosts = [...postsById.values()];

    let escalationPrevented: boolean | null = null;
    let followUpGood = 0;
    let followUpBad = 0;
    const said = feedbackBy.get(c.id) ?? [];
    const feedback = {
      satisfied: said.filter((f) => f.class === 'satisfied').length,
      asking: said.filter((f) => f.class === 'asking').length,
      escalating: said.filter((f) => f.class === 'escalating').length,
    };
    // The last 升级苗头 not followed by 满意/认可: what people said is still heading up.
    const lastEscalating = said.filter((f) => f.class === 'escalating').at(-1);
    const unsettled = lastEscalating !== undefined && !said.some((f) => f.class === 'satisfied' && f.at > lastEscalating.at);
    if (repliedAt) {
      const before = allPosts.filter((p) => p.at <= repliedAt);
      const after = allPosts.filter((p) => p.at > repliedAt);
      const levelEvents = evs
        .filter((e) => e.kind === 'update' || e.kind === 'join')
        .map((e) => ({ at: e.at, level: readJson(caseEventDataJson, e.data, {}).level }))
        .filter((e): e is { at: string; level: string } => typeof e.level === 'string');
      const known = [...before.map((p) => levelRank(p.risk)), ...levelEvents.filter((e) => e.at <= repliedAt).map((e) => levelRank(e.level))];
      const baseline = known.length ? Math.max(...known) : levelRank(c.level);
      const rose =
        evs.some((e) => e.to_state === 'escalated' && e.at > repliedAt) ||
        levelEvents.some((e) => e.at > repliedAt && levelRank(e.level) > baseline) ||
        after.some((p) => p.risk !== null && levelRank(p.risk) > baseline) ||
        unsettled;
      escalationPrevented = !rose;
      if (said.length) {
        followUpGood = feedback.satisfied;
        followUpBad = feedback.asking + feedback.escalating;
      } else {
        for (const p of after) {
          if (p.sentiment === 'negative') followUpBad++;
          else if (p.sentiment) followUpGood++;
        }
      }
    }
    let marksGood = 0;
    let marksBad = 0;
    for (const e of evs) {
      if (!MARK_EVENT_KINDS.includes(e.kind)) continue;
      const good = markIsGood(readJson(caseEventDataJson, e.data, {}));
      if (good === true) marksGood++;
      else if (good === false) marksBad++;
    }
    const rs = responsesBy.get(c.id) ?? [];
    return {
      caseId: c.id,
      departmentId: c.lead_department_id,
      openedAt: c.opened_at,
      deadline,
      repliedAt,
      due,
      onTime,
      late: due && !onTime,
      replyWorkingHours: repliedAt ? workingHoursBetween(c.opened_at, repliedAt) : null,
      escalationPrevented,
      followUpGood,
      followUpBad,
      feedback,
      marksGood,
      marksBad,
      responsesPosted: rs.length,
      responsesVerified: rs.filter((r) => r.verified_at !== null).length,
    };
  });

  const memoRows = await db
    .selectFrom('memos')
    .innerJoin('cases', 'cases.id', 'memos.case_id')
    .innerJoin('instructions', 'instructions.memo_id', 'memos.id')
    .select(['memos.id', 'cases.lead_department_id', 'instructions.at', 'instructions.due_at', 'instructions.handled_at'])
    .where('instructions.at', '>=', period.start)
    .where('instructions.at', '<', period.end)
    .execute();
  const memos: MemoFacts[] = [];
  for (const [, rows] of group(memoRows, (r) => r.id)) {
    const pending = rows.some((r) => r.handled_at === null && (r.due_at ?? addWorkingDays(r.at, 3).toISOString()) >= asOf);
    if (pending) continue;
    memos.push({
      departmentId: rows[0].lead_department_id,
      onTime: rows.every((r) => r.handled_at !== null && r.handled_at <= (r.due_at ?? addWorkingDays(r.at, 3).toISOString())),
    });
  }

  const commitmentRows = await db
    .selectFrom('commitments')
    .innerJoin('cases', 'cases.id', 'commitments.case_id')
    .select(['commitments.department_id', 'cases.lead_department_id', 'commitments.due_at', 'commitments.done_at', 'commitments.status'])
    .where('commitments.due_at', '>=', period.start)
    .where('commitments.due_at', '<', period.end)
    .where('commitments.status', '!=', 'waived')
    .execute();
  const commitments: CommitmentFacts[] = commitmentRows
    .map((r) => ({ ...r, due: endOfDue(r.due_at) }))
    .filter((r) => r.done_at !== null || r.due < asOf)
    .map((r) => ({ departmentId: r.department_id ?? r.lead_department_id, onTime: r.done_at !== null && r.done_at <= r.due }));

  return { cases: facts, memos, commitments };
}
