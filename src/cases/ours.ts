import type { Selectable, Transaction } from 'kysely';
import { systemActor } from '../auth/actor.ts';
import { canonicalUrl } from '../collect/dedup.ts';
import type { Database, PostTable } from '../db/schema.ts';
import { logCaseEvent } from './history.ts';
import { loadCaseSettings } from './settings.ts';
import { recordFoundAnswer, replyTime } from './verify.ts';

type Post = Selectable<PostTable>;

/**
 * Our own post collected back (a statement thread, a reply posted as a thread, by a registered
 * responder account): it never opens a case (issue 18); it joins the case it answers, without
 * raising the case's level. That case is the one whose recorded response names the post's URL;
 * else (posted before it was recorded, the usual order) the newest open case of the account's
 * owner with an approved response not yet recorded, or recorded without a URL. Found nothing:
 * the post stays on its own, still ours.
 *
 * Found through an approved response not yet recorded (posted on the forum first, the usual
 * order), the thread is recorded as the case's response as 采集发现 records a reply (verify.ts
 * `recordFoundAnswer`): the approved response it matches is marked posted, else a collected one is
 * written, and a case owing its answer moves to 已回复. A response recorded already (with or
 * without the URL) is left to verification, which matches statement threads.
 */
export async function linkOurPost(trx: Transaction<Database>, post: Post): Promise<number | null> {
  const inCase = await trx.selectFrom('case_posts').select('case_id').where('post_id', '=', post.id).executeTakeFirst();
  if (inCase) return inCase.case_id;
  let caseId: number | null = null;
  let record = false;
  if (post.url) {
    const url = canonicalUrl(post.url);
    const byUrl = await trx
      .selectFrom('responses')
      .innerJoin('cases', 'cases.id', 'responses.case_id')
      .select(['responses.case_id', 'responses.url'])
      .where('responses.url', 'is not', null)
      .orderBy('responses.id', 'desc')
      .limit(500)
      .execute();
    caseId = byUrl.find((r) => r.url && canonicalUrl(r.url) === url)?.case_id ?? null;
  }
  if (caseId === null && post.author) {
    const owner = await trx
      .selectFrom('responder_accounts')
      .select('user_id')
      .where('username', '=', post.author.trim())
      .executeTakeFirst();
    if (owner) {
      const pending = await trx
        .selectFrom('responses')
        .innerJoin('cases', 'cases.id', 'responses.case_id')
        .select(['responses.case_id', 'responses.status'])
        .where('cases.state', '!=', 'closed')
        .where((eb) => eb.or([eb('responses.status', '=', 'approved'), eb.and([eb('responses.status', '=', 'posted'), eb('responses.url', 'is', null)])]))
        .where((eb) => eb.or([eb('responses.drafted_by', '=', owner.user_id), eb('responses.responder_account_id', 'in', eb.selectFrom('responder_accounts').select('id').where('user_id', '=', owner.user_id))]))
        .orderBy('responses.updated_at', 'desc')
        .executeTakeFirst();
      caseId = pending?.case_id ?? null;
      record = pending?.status === 'approved';
    }
  }
  if (caseId === null) return null;
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  await trx.insertInto('case_posts').values({ case_id: c.id, post_id: post.id }).execute();
  await logCaseEvent(trx, systemActor, c, { kind: 'join', data: { post_ids: [post.id], ours: true } });
  if (record && c.state !== 'closed') {
    const account = await trx
      .selectFrom('responder_accounts')
      .innerJoin('users', 'users.id', 'responder_accounts.user_id')
      .select(['responder_accounts.id', 'responder_accounts.username', 'users.department_id'])
      .where('responder_accounts.username', '=', post.author!.trim())
      .executeTakeFirst();
    const now = new Date().toISOString();
    await recordFoundAnswer(
      trx,
      await trx.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow(),
      { postId: post.id, postReplyId: null, text: [post.title, post.text].filter(Boolean).join('\n'), url: post.url, accountId: account?.id ?? null, username: account?.username ?? post.author!.trim(), departmentId: account?.department_id ?? null, seenAt: post.published_at ?? post.fetched_at, at: replyTime(post.published_at, post.fetched_at) },
      await loadCaseSettings(trx),
      now,
    );
  }
  return c.id;
}
