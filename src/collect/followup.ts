import type { AppContext } from '../context.ts';
import type { CaseState } from '../cases/states.ts';
import { nowIso, readJson } from '../db/values.ts';
import { fetcherFor } from './collector.ts';
import type { Fetcher } from './fetcher/fetch.ts';
import { kindOf } from './sources/index.ts';
import { accountMatcher, storeReplies } from './store.ts';
import { CollectError, sourceConfigJson } from './types.ts';

export interface FollowUpResult {
  threads: number;
  repliesAdded: number;
  oursAdded: number;
  errors: { postId: number; message: string }[];
}

/** States in which a case's threads are no longer watched. */
const DONE_STATES: CaseState[] = ['closed'];

/**
 * Follow-up (跟帖): every thread linked to a case that is not closed is fetched again; new
 * replies are stored under the post, and one written by a registered responder account is
 * recognised as ours (so the ledger can confirm that our reply really appeared).
 */
export async function followUpThreads(ctx: AppContext, opts: { fetcher?: Fetcher; now?: Date } = {}): Promise<FollowUpResult> {
  const db = ctx.db.kysely;
  const rows = await db
    .selectFrom('case_posts')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .innerJoin('posts', 'posts.id', 'case_posts.post_id')
    .innerJoin('sources', 'sources.id', 'posts.source_id')
    .select(['posts.id as post_id', 'posts.url', 'posts.replies_count', 'posts.views', 'posts.likes', 'posts.reposts', 'sources.id as source_id'])
    .where('cases.state', 'not in', DONE_STATES)
    .where('posts.url', 'is not', null)
    .distinct()
    .execute();
  const result: FollowUpResult = { threads: 0, repliesAdded: 0, oursAdded: 0, errors: [] };
  if (!rows.length) return result;
  const fetcher = opts.fetcher ?? fetcherFor(ctx);
  const now = opts.now ?? new Date();
  try {
    for (const r of rows) {
      const source = await db.selectFrom('sources').selectAll().where('id', '=', r.source_id).executeTakeFirstOrThrow();
      const kind = kindOf(source.kind);
      if (!kind?.fetchThread) continue;
      const parsed = kind.config.safeParse(readJson(sourceConfigJson, source.config, {}));
      if (!parsed.success) continue;
      result.threads++;
      try {
        const update = await kind.fetchThread({ ctx, fetcher, source, now, conditional: false }, parsed.data, r.url!);
        const accounts = await accountMatcher(db, source);
        const at = nowIso();
        const before = await db.selectFrom('post_replies').select('id').where('post_id', '=', r.post_id).where('responder_account_id', 'is not', null).execute();
        const added = await db.transaction().execute(async (trx) => {
          const n = await storeReplies(trx, r.post_id, update.replies, at, accounts);
          const total = Math.max(r.replies_count, update.metrics.replies ?? 0, update.replies.length);
          if (n > 0 || total !== r.replies_count) {
            const views = Math.max(r.views, update.metrics.views ?? 0);
            await trx.updateTable('posts').set({ replies_count: total, views, updated_at: at }).where('id', '=', r.post_id).execute();
            await trx.insertInto('post_metrics').values({ post_id: r.post_id, at, views, replies: total, likes: r.likes, reposts: r.reposts }).execute();
          }
          return n;
        });
        const after = await db.selectFrom('post_replies').select('id').where('post_id', '=', r.post_id).where('responder_account_id', 'is not', null).execute();
        result.repliesAdded += added;
        result.oursAdded += after.length - before.length;
        if (added) ctx.bus.emit('post.replies', { postId: r.post_id, added });
      } catch (err) {
        const message = err instanceof CollectError ? err.message : `unexpected error: ${(err as Error).message}`;
        ctx.log.warn({ part: 'followup', postId: r.post_id, reason: message }, 'follow-up fetch failed');
        result.errors.push({ postId: r.post_id, message });
      }
    }
  } finally {
    if (!opts.fetcher) await fetcher.close();
  }
  return result;
}
