import type { Selectable, Transaction } from 'kysely';
import { systemActor } from '../auth/actor.ts';
import { accountMatcher } from '../collect/store.ts';
import type { Database, PostTable } from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import type { AnalysisHook } from '../pipeline/stages.ts';
import { atLeast, levelRank } from '../levels.ts';
import { changeCase } from './history.ts';
import { joinPostsInTrx, openCaseInTrx } from './open.ts';
import { loadCaseSettings } from './settings.ts';
import { linkOurPost } from './ours.ts';

/**
 * The analysis hook that opens cases automatically: a post analysed at or above the configured
 * level opens a case (or joins the open case of its original post or of its event), in the
 * analysis transaction.
 * Re-analysing a post that is already in a case only raises the case's level, never opens a
 * second case. A post with a standing (ours, 参考, history, old: `posts.standing`) opens none.
 */
export const openCaseHook: AnalysisHook = async (trx, _ctx, post, result) => {
  // Ours (joins the case it answers), 参考, history, old: stored and analysed, never a case of its own (issue 18).
  if (post.standing !== null) {
    if (post.standing === 'ours') await linkOurPost(trx, post);
    return;
  }
  const inCase = await trx
    .selectFrom('case_posts')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .selectAll('cases')
    .where('case_posts.post_id', '=', post.id)
    .executeTakeFirst();
  if (inCase) {
    if (levelRank(result.risk.level) > levelRank(inCase.level) && inCase.state !== 'closed') {
      // Raised to 重大 or above without the emergency clocks: they are proposed to the office (issue 18).
      const propose = levelRank(result.risk.level) >= levelRank('orange') && levelRank(inCase.level) < levelRank('orange') && inCase.emergency === 0 ? { emergency_proposed: 1 } : {};
      // The proposal rides in the post's own alert (alert/hook.ts), not in a message of its own.
      await changeCase(trx, systemActor, inCase, { level: result.risk.level, ...propose }, { kind: 'level', data: { post_id: post.id, level: result.risk.level, reasons: result.risk.reasons } });
    }
    return;
  }
  const settings = await loadCaseSettings(trx);
  if (settings.auto_open_level === 'off' || !atLeast(result.risk.level, settings.auto_open_level)) return;
  // Our own thread (a statement posted under a registered account) is an answer, not a matter.
  if (await byOurAccount(trx, post)) return;

  // A near-duplicate (a repost of the same text elsewhere) joins the open case of its original.
  if (post.near_duplicate_of !== null) {
    const original = await trx
      .selectFrom('case_posts')
      .innerJoin('cases', 'cases.id', 'case_posts.case_id')
      .selectAll('cases')
      .where('case_posts.post_id', '=', post.near_duplicate_of)
      .where('cases.state', '!=', 'closed')
      .executeTakeFirst();
    if (original) {
      await joinPostsInTrx(trx, systemActor, original, [post.id]);
      return;
    }
  }
  const eventId = typeof result.event === 'number' ? result.event : post.event_id;
  if (eventId !== null && eventId !== undefined) {
    const open = await trx.selectFrom('cases').selectAll().where('event_id', '=', eventId).where('state', '!=', 'closed').orderBy('id', 'desc').executeTakeFirst();
    if (open) {
      await joinPostsInTrx(trx, systemActor, open, [post.id]);
      return;
    }
  }
  const dept = result.department ? await trx.selectFrom('departments').select('id').where('code', '=', result.department).executeTakeFirst() : undefined;
  const exists = eventId !== null && eventId !== undefined ? await trx.selectFrom('events').select('id').where('id', '=', eventId).executeTakeFirst() : undefined;
  const open = (withEvent: boolean) =>
    openCaseInTrx(
      trx,
      systemActor,
      { post_ids: [post.id], level: result.risk.level, title: post.title || post.text.slice(0, 60) || undefined, event_id: withEvent && exists ? eventId! : undefined },
      {
        foundAt: post.fetched_at,
        proposalInPostAlert: true,
        suggestedDepartmentId: dept?.id ?? null,
        suggestionReasons: [...result.departmentReasons, ...result.risk.reasons.map((r) => `风险：${r}`)],
      },
    );
  try {
    await open(true);
  } catch (err) {
    // Some of the event's earlier posts already belong to another (e.g. closed) case: the new
    // case takes this post alone rather than failing the post's analysis over and over.
    if (!(err instanceof ConflictError)) throw err;
    await open(false);
  }
};


/** Whether the post was written under a responder account registered for its site. */
export async function byOurAccount(trx: Transaction<Database>, post: Pick<Selectable<PostTable>, 'author' | 'source_id'>): Promise<boolean> {
  const author = post.author?.trim();
  if (!author) return false;
  const named = await trx.selectFrom('responder_accounts').select('id').where('username', '=', author).executeTakeFirst();
  if (!named) return false;
  const source = await trx.selectFrom('sources').select(['name', 'url']).where('id', '=', post.source_id).executeTakeFirst();
  return source ? (await accountMatcher(trx, source))(author) !== null : false;
}
