import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import { systemActor } from '../auth/actor.ts';
import { accountMatcher, type AccountMatcher } from '../collect/store.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { jsonColumn, readJson, toJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { localDateTime } from '../time/format.ts';
import { loadCase, type CaseRow } from './access.ts';
import { readFeedback } from './feedback.ts';
import { logCaseEvent, moveCase } from './history.ts';
import { sameUrl, shownPrecision, textSimilarity, timeDistance, withinWindow } from './match.ts';
import { moveResponse } from './responses.ts';
import { loadCaseSettings, type CaseSettings } from './settings.ts';
import { ANSWER_PENDING } from './states.ts';

/** `responses.verification`: whether collection saw the posted reply on the thread (or the statement's own thread). */
export const responseVerificationJson = jsonColumn(
  'responses.verification',
  z.discriminatedUnion('status', [
    z.object({
      status: z.literal('verified'),
      post_reply_id: z.number().int().nullable().describe('the 跟帖 found; null when the response is the thread itself (a statement posted as a new thread)'),
      post_id: z.number().int(),
      account: z.string(),
      seen_at: z.string().describe('the time the site shows'),
      similarity: z.number().optional().describe('share of the recorded text found in it (0–1)'),
    }),
    z.object({
      status: z.literal('missing'),
      since: z.string(),
      nearest: z
        .object({ post_id: z.number().int(), post_reply_id: z.number().int().nullable(), account: z.string(), seen_at: z.string(), similarity: z.number() })
        .optional()
        .describe("the closest reply by the department's accounts, when one exists but does not match"),
    }),
  ]),
);
type Verification = z.infer<typeof responseVerificationJson.schema>;
type Nearest = NonNullable<Extract<Verification, { status: 'missing' }>['nearest']>;

/**
 * Confirms that replies really appear where they were posted, as people post them (DESIGN §4):
 *
 * - A recorded response is matched to the thread by the registered account it was posted under
 *   (or any account of the replying department) and by its text (`textSimilarity`), within a
 *   window around the recorded time at the precision the site shows (`withinWindow`): people post
 *   on the forum first and record afterwards, and forums show minutes or only the date.
 * - A statement posted as a new thread (the record names the thread's URL) is matched to the
 *   collected post at that URL, or to a new thread by the department's account with its text;
 *   the thread then joins the case so that its 跟帖 are followed too.
 * - A registered account's reply that collection found on a case thread and nobody recorded is
 *   recorded by the ledger itself (`recordFoundReplies`): an approved response it matches is
 *   marked posted, otherwise a response of origin 'collected' is written; a case still owing its
 *   answer moves to 已回复 (command `replyFound`), and the case history says so.
 * - What people said back after the reply is read (feedback.ts).
 *
 * A recorded response not seen within the configured hours raises a warning notice (once) and
 * keeps being checked for a month.
 */
export const VERIFY_WINDOW_DAYS = 30;

export const verifyResultSchema = z.object({
  checked: z.number(),
  verified: z.array(z.number()).describe('responses seen on their threads'),
  warned: z.array(z.number()).describe('responses not seen in time (warned once)'),
  found: z.array(z.number()).describe("responses recorded from registered accounts' replies collection found"),
  feedback: z.number().describe('replies and posts people wrote after our reply, read this round'),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

type Q = Kysely<Database> | Transaction<Database>;

interface ThreadReply {
  id: number;
  post_id: number;
  text: string;
  shownAt: string;
  username: string;
  account_id: number;
  department_id: number | null;
}

/**
 * The 跟帖 ids other responses already stand for: those of the case and of every case that follows
 * one of the threads (a record may name another case's thread).
 */
async function claimedReplies(db: Q, caseId: number, threads: readonly number[], except?: number): Promise<Set<number>> {
  const cases = threads.length ? db.selectFrom('case_posts').select('case_id').where('post_id', 'in', [...threads]) : null;
  const rows = await db
    .selectFrom('responses')
    .select(['id', 'verification'])
    .where((eb) => (cases ? eb.or([eb('case_id', '=', caseId), eb('case_id', 'in', cases)]) : eb('case_id', '=', caseId)))
    .where('verification', 'is not', null)
    .execute();
  const out = new Set<number>();
  for (const r of rows) {
    if (r.id === except) continue;
    const v = readJson(responseVerificationJson, r.verification, null);
    if (v?.status === 'verified' && v.post_reply_id !== null) out.add(v.post_reply_id);
  }
  return out;
}

/** The accounts a response may have been posted under: the one recorded, else every account of the replying department. */
async function allowedAccounts(db: Q, r: { responder_account_id: number | null; department_id: number | null }): Promise<Set<number>> {
  if (r.responder_account_id !== null) return new Set([r.responder_account_id]);
  let q = db.selectFrom('responder_accounts').innerJoin('users', 'users.id', 'responder_accounts.user_id').select('responder_accounts.id');
  q = r.department_id === null ? q.where('users.department_id', 'in', db.selectFrom('departments').select('id').where('is_office', '=', 1)) : q.where('users.department_id', '=', r.department_id);
  return new Set((await q.execute()).map((a) => a.id));
}

/** A time for the ledger from a time the site shows: a date alone stands for its last moment before we saw it (the cautious reading for deadlines). */
export function replyTime(shownAt: string | null, fetchedAt: string): string {
  if (!shownAt) return fetchedAt;
  const precision = shownPrecision(shownAt);
  if (precision < 86_400_000) return shownAt;
  const endOfDay = new Date(Date.parse(shownAt) + precision - 1000).toISOString();
  return endOfDay < fetchedAt ? endOfDay : fetchedAt;
}

interface PendingResponse {
  id: number;
  case_id: number;
  kind: string;
  body: string;
  department_id: number | null;
  responder_account_id: number | null;
  posted_at: string | null;
  url: string | null;
}

type Match = { verification: Extract<Verification, { status: 'verified' }>; linkPost: number | null } | { verification: null; nearest: Nearest | null };

/** Looks for a recorded response on its threads (and, for one posted as a new thread, for the thread itself). */
async function findRecorded(db: Kysely<Database>, r: PendingResponse, settings: CaseSettings, now: Date, matchers: Map<number, AccountMatcher>): Promise<Match> {
  const postedAt = r.posted_at ?? now.toISOString();
  const before = settings.verify_before_hours * 3_600_000;
  const accounts = await allowedAccounts(db, r);
  const caseThreads = (await db.selectFrom('case_posts').select('post_id').where('case_id', '=', r.case_id).execute()).map((p) => p.post_id);

  // Posts the record may name: on the same site, collected since the window opened.
  const windowStart = new Date(Date.parse(postedAt) - before - 86_400_000).toISOString();
  let host: string | null = null;
  try {
    host = r.url ? new URL(r.url).host : null;
  } catch {
    host = null;
  }
  const nearby = host
    ? await db
        .selectFrom('posts')
        .select(['id', 'source_id', 'url', 'title', 'text', 'author', 'published_at', 'fetched_at'])
        .where((eb) => eb.or([eb('url', 'like', `http://${host}/%`), eb('url', 'like', `https://${host}/%`)]))
        .where('fetched_at', '>=', windowStart)
        .orderBy('id')
        .limit(5000)
        .execute()
    : [];
  const named = nearby.filter((p) => sameUrl(p.url, r.url));
  const threads = [...new Set([...caseThreads, ...named.map((p) => p.id)])];
  const claimed = await claimedReplies(db, r.case_id, threads, r.id);

  let nearest: Nearest | null = null;
  const consider = (c: Nearest) => {
    if (!nearest || c.similarity > nearest.similarity) nearest = c;
  };

  // 1. A 跟帖 under one of the threads, by an allowed account, in the window, with our text.
  if (threads.length && accounts.size) {
    const replies = await db
      .selectFrom('post_replies')
      .innerJoin('responder_accounts', 'responder_accounts.id', 'post_replies.responder_account_id')
      .innerJoin('users', 'users.id', 'responder_accounts.user_id')
      .select(['post_replies.id', 'post_replies.post_id', 'post_replies.text', 'post_replies.published_at', 'post_replies.fetched_at', 'responder_accounts.id as account_id', 'responder_accounts.username', 'users.department_id'])
      .where('post_replies.post_id', 'in', threads)
      .where('post_replies.responder_account_id', 'in', [...accounts])
      .orderBy('post_replies.id')
      .execute();
    let best: (ThreadReply & { similarity: number; distance: number }) | null = null;
    for (const p of replies) {
      if (claimed.has(p.id)) continue;
      const shownAt = p.published_at ?? p.fetched_at;
      if (!withinWindow(shownAt, postedAt, before)) continue;
      const similarity = textSimilarity(r.body, p.text);
      consider({ post_id: p.post_id, post_reply_id: p.id, account: p.username, seen_at: shownAt, similarity: round(similarity) });
      if (similarity < settings.verify_similarity) continue;
      // Several match (a stock answer posted twice): the one closest to the recorded time, then the most similar.
      const distance = timeDistance(shownAt, postedAt);
      if (!best || distance < best.distance || (distance === best.distance && similarity > best.similarity)) best = { ...p, shownAt, similarity, distance };
    }
    if (best) {
      return {
        verification: { status: 'verified', post_reply_id: best.id, post_id: best.post_id, account: best.username, seen_at: best.shownAt, similarity: round(best.similarity) },
        linkPost: null,
      };
    }
  }

  // 2. The response is a thread of its own (a statement): the post at the URL recorded, or a new
  //    thread by an allowed account with our text.
  const usernames = accounts.size
    ? new Map((await db.selectFrom('responder_accounts').select(['id', 'username']).where('id', 'in', [...accounts]).execute()).map((a) => [a.id, a.username]))
    : new Map<number, string>();
  let thread: { verification: Extract<Verification, { status: 'verified' }>; linkPost: number | null; distance: number } | null = null;
  for (const p of nearby) {
    const shownAt = p.published_at ?? p.fetched_at;
    let matcher = matchers.get(p.source_id);
    if (!matcher) {
      const source = await db.selectFrom('sources').select(['name', 'url']).where('id', '=', p.source_id).executeTakeFirstOrThrow();
      matcher = await accountMatcher(db, source);
      matchers.set(p.source_id, matcher);
    }
    const accountId = matcher(p.author);
    const ours = accountId !== null && accounts.has(accountId);
    const atUrl = sameUrl(p.url, r.url);
    if (!ours && !atUrl) continue;
    // The case's own thread, written by someone else, is what we answered, not our statement.
    if (!ours && caseThreads.includes(p.id)) continue;
    if (!withinWindow(shownAt, postedAt, before)) continue;
    const similarity = textSimilarity(r.body, `${p.title}\n${p.text}`);
    const account = accountId !== null ? (usernames.get(accountId) ?? p.author ?? '') : (p.author ?? '');
    consider({ post_id: p.id, post_reply_id: null, account, seen_at: shownAt, similarity: round(similarity) });
    // At the URL recorded: the thread's author must be one of our accounts, or its text ours.
    if ((ours || atUrl) && similarity >= settings.verify_similarity && (ours || similarity >= Math.max(settings.verify_similarity, 0.8))) {
      const distance = atUrl ? -1 : timeDistance(shownAt, postedAt); // the thread the record names, else the closest in time
      if (!thread || distance < thread.distance) thread = { verification: { status: 'verified', post_reply_id: null, post_id: p.id, account, seen_at: shownAt, similarity: round(similarity) }, linkPost: caseThreads.includes(p.id) ? null : p.id, distance };
    }
  }
  if (thread) return { verification: thread.verification, linkPost: thread.linkPost };
  return { verification: null, nearest };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export async function verifyResponses(ctx: AppContext, caseId?: number, now: Date = new Date()): Promise<VerifyResult> {
  const db = ctx.db.kysely;
  const settings = await loadCaseSettings(db);
  let q = db
    .selectFrom('responses')
    .innerJoin('cases', 'cases.id', 'responses.case_id')
    .select(['responses.id', 'responses.case_id', 'responses.kind', 'responses.body', 'responses.department_id', 'responses.responder_account_id', 'responses.posted_at', 'responses.url', 'responses.verification', 'cases.number', 'cases.level'])
    .where('responses.status', '=', 'posted')
    .where('responses.verified_at', 'is', null);
  if (caseId !== undefined) q = q.where('responses.case_id', '=', caseId);
  // The periodic round gives up on a reply after a month; checking one case by hand always looks.
  else q = q.where('responses.posted_at', '>=', new Date(now.getTime() - VERIFY_WINDOW_DAYS * 86_400_000).toISOString());
  const pending = await q.orderBy('responses.id').execute();
  const result: VerifyResult = { checked: pending.length, verified: [], warned: [], found: [], feedback: 0 };
  const nowIso = now.toISOString();
  const matchers = new Map<number, AccountMatcher>();
  for (const r of pending) {
    const postedAt = r.posted_at ?? nowIso;
    const match = await findRecorded(db, r, settings, now, matchers);
    await db.transaction().execute(async (trx) => {
      const c = await loadCase(trx, r.case_id);
      if (match.verification) {
        const verification = match.verification;
        const done = await trx
          .updateTable('responses')
          .set({ verified_at: nowIso, verification: toJson(verification), updated_at: nowIso })
          .where('id', '=', r.id)
          .where('verified_at', 'is', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) return;
        if (match.linkPost !== null) await linkThread(trx, c.id, match.linkPost);
        await logCaseEvent(
          trx,
          systemActor,
          c,
          { kind: 'verified', comment: t(verification.post_reply_id === null ? 'case.note.verifiedThread' : 'case.note.verified', { account: verification.account, at: localDateTime(verification.seen_at) }), data: { response_id: r.id, ...verification } },
          nowIso,
        );
        await recordAudit(trx, systemActor, { action: 'response.verify', entity: 'response', entityId: r.id, after: verification });
        result.verified.push(r.id);
        return;
      }
      const previous = readJson(responseVerificationJson, r.verification, null);
      const overdue = Date.parse(postedAt) + settings.verify_within_hours * 3_600_000 <= now.getTime();
      const nearest = match.nearest ?? undefined;
      if (!overdue || previous?.status === 'missing') {
        // Keep what the closest candidate is, so people can see why it did not count.
        if (previous?.status === 'missing' && JSON.stringify(previous.nearest ?? null) !== JSON.stringify(nearest ?? null)) {
          await trx.updateTable('responses').set({ verification: toJson({ ...previous, nearest }), updated_at: nowIso }).where('id', '=', r.id).execute();
        }
        return;
      }
      const verification: Verification = { status: 'missing', since: nowIso, ...(nearest ? { nearest } : {}) };
      await trx.updateTable('responses').set({ verification: toJson(verification), updated_at: nowIso }).where('id', '=', r.id).execute();
      const text = t('notice.response.unverified', { number: r.number, postedAt: localDateTime(postedAt), url: r.url ?? '' });
      await enqueueNotice(trx, { kind: 'case.unverified', key: `response.unverified|${r.id}`, level: r.level, title: text, body: text, departmentId: r.department_id, caseId: r.case_id });
      const why = nearest ? t('case.note.nearest', { account: nearest.account, at: localDateTime(nearest.seen_at), pct: Math.round(nearest.similarity * 100) }) : null;
      await logCaseEvent(trx, systemActor, c, { kind: 'unverified', comment: why, data: { response_id: r.id, ...(nearest ? { nearest } : {}) } }, nowIso);
      result.warned.push(r.id);
    });
  }
  result.found = await recordFoundReplies(ctx, caseId, now, settings);
  result.feedback = await readFeedback(ctx, caseId, now);
  return result;
}

/** A statement's own thread joins its case (without changing the level: it is our post), so its 跟帖 are followed. */
async function linkThread(trx: Transaction<Database>, caseId: number, postId: number): Promise<void> {
  const taken = await trx.selectFrom('case_posts').select('case_id').where('post_id', '=', postId).executeTakeFirst();
  if (taken) return;
  await trx.insertInto('case_posts').values({ case_id: caseId, post_id: postId }).execute();
}

/**
 * Registered accounts' replies on the threads of cases not closed that no response stands for
 * yet: each becomes a response of the case (the approved one it matches, marked posted; else a
 * response of origin 'collected'), and a case still owing its answer moves to 已回复. A reply that
 * may still be a recorded response not yet verified (by the account it may have been posted
 * under, in its window) is left to that response: a warning then names it as the nearest.
 */
export async function recordFoundReplies(ctx: AppContext, caseId: number | undefined, now: Date, settings: CaseSettings): Promise<number[]> {
  const db = ctx.db.kysely;
  const since = new Date(now.getTime() - VERIFY_WINDOW_DAYS * 86_400_000).toISOString();
  let q = db
    .selectFrom('post_replies')
    .innerJoin('case_posts', 'case_posts.post_id', 'post_replies.post_id')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .innerJoin('posts', 'posts.id', 'post_replies.post_id')
    .innerJoin('responder_accounts', 'responder_accounts.id', 'post_replies.responder_account_id')
    .innerJoin('users', 'users.id', 'responder_accounts.user_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'departments.name as department_name',
      'post_replies.id',
      'post_replies.post_id',
      'post_replies.text',
      'post_replies.published_at',
      'post_replies.fetched_at',
      'post_replies.responder_account_id as account_id',
      'responder_accounts.username',
      'users.department_id',
      'case_posts.case_id',
      'posts.url',
    ])
    .where('cases.state', '!=', 'closed')
    .where('post_replies.fetched_at', '>=', since);
  if (caseId !== undefined) q = q.where('case_posts.case_id', '=', caseId);
  const rows = await q.orderBy('post_replies.id').execute();
  const found: number[] = [];
  const nowIso = now.toISOString();
  const before = settings.verify_before_hours * 3_600_000;
  const pendingOf = new Map<number, { posted_at: string; accounts: Set<number> }[]>();
  for (const p of rows) {
    const claimed = await claimedReplies(db, p.case_id, [p.post_id]);
    if (claimed.has(p.id)) continue;
    const seenAt = p.published_at ?? p.fetched_at;
    if (!pendingOf.has(p.case_id)) {
      const pending = await db
        .selectFrom('responses')
        .select(['posted_at', 'department_id', 'responder_account_id'])
        .where('case_id', '=', p.case_id)
        .where('status', '=', 'posted')
        .where('origin', '=', 'recorded')
        .where('verified_at', 'is', null)
        .execute();
      pendingOf.set(p.case_id, await Promise.all(pending.map(async (r) => ({ posted_at: r.posted_at ?? nowIso, accounts: await allowedAccounts(db, r) }))));
    }
    if (pendingOf.get(p.case_id)!.some((r) => p.account_id !== null && r.accounts.has(p.account_id) && withinWindow(seenAt, r.posted_at, before))) continue;
    const at = replyTime(p.published_at, p.fetched_at);
    const id = await db.transaction().execute(async (trx) => {
      // Claimed meanwhile (a concurrent round): nothing to do.
      if ((await claimedReplies(trx, p.case_id, [p.post_id])).has(p.id)) return null;
      return recordFoundAnswer(trx, await loadCase(trx, p.case_id), { postId: p.post_id, postReplyId: p.id, text: p.text, url: p.url, accountId: p.account_id, username: p.username, departmentId: p.department_id, departmentName: p.department_name, seenAt, at }, settings, nowIso);
    });
    if (id !== null) found.push(id);
  }
  return found;
}

/** Our answer collection found: a registered account's 跟帖 on a case thread, or a thread of our own (a statement) that joined its case. */
export interface FoundAnswer {
  postId: number;
  /** The 跟帖; null when the answer is the thread itself. */
  postReplyId: number | null;
  text: string;
  url: string | null;
  accountId: number | null;
  username: string;
  departmentId: number | null;
  /** The account's department, named when it is not the case's lead department. */
  departmentName?: string | null;
  /** The time the site shows, and the ledger's reading of it (`replyTime`). */
  seenAt: string;
  at: string;
}

/**
 * Records an answer collection found as the case's response, in the caller's transaction (采集发现,
 * issue 19; our own threads, issue 18): the approved response it matches is marked posted, else a
 * response of origin 'collected' is written; a case still owing its answer moves to 已回复.
 */
export async function recordFoundAnswer(trx: Transaction<Database>, c: CaseRow, p: FoundAnswer, settings: CaseSettings, nowIso: string): Promise<number> {
  const approved = await trx.selectFrom('responses').selectAll().where('case_id', '=', c.id).where('status', '=', 'approved').orderBy('id').execute();
  const scored = approved.map((a) => ({ a, similarity: textSimilarity(a.body, p.text) })).filter((x) => x.similarity >= settings.verify_similarity);
  scored.sort((x, y) => y.similarity - x.similarity);
  const verification: Verification = { status: 'verified', post_reply_id: p.postReplyId, post_id: p.postId, account: p.username, seen_at: p.seenAt, similarity: scored[0] ? round(scored[0].similarity) : 1 };
  let responseId: number;
  let matchedApproved = false;
  if (scored[0]) {
    // Posted on the forum before anyone recorded it: the approved response is the one posted.
    const r = await moveResponse(trx, scored[0].a, 'post', { url: p.url, responder_account_id: p.accountId, posted_at: p.at, verified_at: nowIso, verification: toJson(verification) });
    responseId = r.id;
    matchedApproved = true;
    await recordAudit(trx, systemActor, { action: 'response.posted', entity: 'response', entityId: r.id, before: scored[0].a, after: r });
  } else {
    const row = await trx
      .insertInto('responses')
      .values({
        case_id: c.id,
        kind: p.postReplyId === null ? 'statement' : 'reply',
        origin: 'collected',
        body: p.text,
        department_id: p.departmentId,
        responder_account_id: p.accountId,
        status: 'posted',
        url: p.url,
        drafted_at: p.at,
        posted_at: p.at,
        verified_at: nowIso,
        verification: toJson(verification),
        attachments: '[]',
        updated_at: nowIso,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    responseId = row.id;
    await recordAudit(trx, systemActor, { action: 'response.collected', entity: 'response', entityId: row.id, after: row });
  }
  // Another department's account answering on the thread still answers the case, under that department's name.
  const other = p.postReplyId !== null && c.lead_department_id !== null && p.departmentId !== null && p.departmentId !== c.lead_department_id;
  const comment = other
    ? t('case.note.foundOther', { account: p.username, department: p.departmentName ?? '', at: localDateTime(p.seenAt) })
    : t(p.postReplyId === null ? (matchedApproved ? 'case.note.foundThreadApproved' : 'case.note.foundThread') : matchedApproved ? 'case.note.foundApproved' : 'case.note.found', { account: p.username, at: localDateTime(p.seenAt) });
  const data = { response_id: responseId, post_reply_id: p.postReplyId, post_id: p.postId, account: p.username, seen_at: p.seenAt, ...(other ? { department_id: p.departmentId, department: p.departmentName ?? null } : {}) };
  if (ANSWER_PENDING.includes(c.state)) {
    const late = c.replied_at === null && c.deadline_at !== null && p.at > c.deadline_at;
    await moveCase(trx, systemActor, c, 'replyFound', { replied_at: c.replied_at ?? p.at, overdue: late ? 1 : c.overdue, lead_department_id: c.lead_department_id ?? p.departmentId }, comment, { ...data, late });
  } else {
    await logCaseEvent(trx, systemActor, c, { kind: 'reply_found', comment, data }, nowIso);
  }
  return responseId;
}
