import { localDateTime } from '../time/format.ts';
import { enqueueNotice } from '../alert/outbox.ts';
import { recordAudit } from '../audit/audit.ts';
import { systemActor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import { z } from 'zod';
import { jsonColumn, readJson, toJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { logCaseEvent } from './history.ts';
import { loadCaseSettings } from './settings.ts';

/** `responses.verification`: whether collection saw the posted reply on the thread. */
export const responseVerificationJson = jsonColumn(
  'responses.verification',
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('verified'), post_reply_id: z.number().int(), post_id: z.number().int(), account: z.string(), seen_at: z.string() }),
    z.object({ status: z.literal('missing'), since: z.string() }),
  ]),
);
type Verification = z.infer<typeof responseVerificationJson.schema>;

/**
 * Confirms that posted replies really appear on the case's threads. Collection re-fetches the
 * threads of cases and stores their replies (post_replies) with `responder_account_id` set when
 * the author is a registered responder account; a response is verified when such a reply by
 * an account of the replying department appears after it was posted. One not seen within the
 * configured hours raises a warning notice (once) and keeps being checked.
 */
export const VERIFY_WINDOW_DAYS = 30;

export const verifyResultSchema = z.object({
  checked: z.number(),
  verified: z.array(z.number()).describe('responses seen on their threads'),
  warned: z.array(z.number()).describe('responses not seen in time (warned once)'),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export async function verifyResponses(ctx: AppContext, caseId?: number, now: Date = new Date()): Promise<VerifyResult> {
  const db = ctx.db.kysely;
  const settings = await loadCaseSettings(db);
  let q = db
    .selectFrom('responses')
    .innerJoin('cases', 'cases.id', 'responses.case_id')
    .select(['responses.id', 'responses.case_id', 'responses.department_id', 'responses.responder_account_id', 'responses.posted_at', 'responses.url', 'responses.verification', 'cases.number', 'cases.level'])
    .where('responses.status', '=', 'posted')
    .where('responses.verified_at', 'is', null);
  if (caseId !== undefined) q = q.where('responses.case_id', '=', caseId);
  // The periodic round gives up on a reply after a month; checking one case by hand always looks.
  else q = q.where('responses.posted_at', '>=', new Date(now.getTime() - VERIFY_WINDOW_DAYS * 86_400_000).toISOString());
  const pending = await q.orderBy('responses.id').execute();
  const result: VerifyResult = { checked: pending.length, verified: [], warned: [] };
  const nowIso = now.toISOString();
  for (const r of pending) {
    const postedAt = r.posted_at ?? nowIso;
    const replies = await db
      .selectFrom('post_replies')
      .innerJoin('case_posts', 'case_posts.post_id', 'post_replies.post_id')
      .innerJoin('responder_accounts', 'responder_accounts.id', 'post_replies.responder_account_id')
      .innerJoin('users', 'users.id', 'responder_accounts.user_id')
      .select(['post_replies.id', 'post_replies.post_id', 'post_replies.author', 'post_replies.published_at', 'post_replies.fetched_at', 'responder_accounts.id as account_id', 'responder_accounts.username', 'users.department_id'])
      .where('case_posts.case_id', '=', r.case_id)
      .orderBy('post_replies.id')
      .execute();
    const match = replies.find(
      (p) =>
        (p.published_at ?? p.fetched_at) >= postedAt &&
        (r.responder_account_id !== null ? p.account_id === r.responder_account_id : p.department_id === r.department_id),
    );
    await db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('cases').selectAll().where('id', '=', r.case_id).executeTakeFirstOrThrow();
      if (match) {
        const verification: Verification = { status: 'verified', post_reply_id: match.id, post_id: match.post_id, account: match.username, seen_at: match.published_at ?? match.fetched_at };
        const done = await trx
          .updateTable('responses')
          .set({ verified_at: nowIso, verification: toJson(verification), updated_at: nowIso })
          .where('id', '=', r.id)
          .where('verified_at', 'is', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) return;
        await logCaseEvent(trx, systemActor, c, { kind: 'verified', data: { response_id: r.id, ...verification } }, nowIso);
        await recordAudit(trx, systemActor, { action: 'response.verify', entity: 'response', entityId: r.id, after: verification });
        result.verified.push(r.id);
        return;
      }
      const overdue = Date.parse(postedAt) + settings.verify_within_hours * 3_600_000 <= now.getTime();
      const previous = readJson(responseVerificationJson, r.verification, null);
      if (!overdue || previous?.status === 'missing') return;
      const verification: Verification = { status: 'missing', since: nowIso };
      await trx.updateTable('responses').set({ verification: toJson(verification), updated_at: nowIso }).where('id', '=', r.id).execute();
      await enqueueNotice(trx, {
        kind: 'case.unverified',
        key: `response.unverified|${r.id}`,
        level: r.level,
        title: t('notice.response.unverified', { number: r.number, postedAt: localDateTime(postedAt), url: r.url ?? '' }),
        body: t('notice.response.unverified', { number: r.number, postedAt: localDateTime(postedAt), url: r.url ?? '' }),
        departmentId: r.department_id,
        caseId: r.case_id,
      });
      await logCaseEvent(trx, systemActor, c, { kind: 'unverified', data: { response_id: r.id } }, nowIso);
      result.warned.push(r.id);
    });
  }
  return result;
}
