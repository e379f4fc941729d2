import { verifyResponses, type VerifyResult } from '../cases/verify.ts';
import type { Fetcher } from '../collect/fetcher/fetch.ts';
import { followUpThreads, type FollowUpResult } from '../collect/followup.ts';
import type { AppContext } from '../context.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';

/**
 * collect (follow-up) → cases: the threads of open cases are fetched again for new 跟帖, and when
 * any came, the ledger reads them at once (cases/verify.ts): a registered account's reply is
 * recognised and recorded, recorded replies are verified, what people said back is read. The
 * `cases.verify` task does the same every few minutes for replies that came with a feed run.
 */
export async function followUpCases(ctx: AppContext, opts: { fetcher?: Fetcher; now?: Date } = {}): Promise<FollowUpResult & { ledger: VerifyResult | null }> {
  const followUp = await followUpThreads(ctx, opts);
  const ledger = followUp.repliesAdded > 0 ? await verifyResponses(ctx, undefined, opts.now ?? new Date()) : null;
  return { ...followUp, ledger };
}

/** Re-fetches the threads of open cases for new replies (listed in src/jobs/tasks.ts). */
export const followUpTask: PeriodicTask = {
  name: 'collect.followup',
  intervalMs: 10 * 60 * 1000,
  async run(ctx) {
    const r = await followUpCases(ctx);
    if (r.threads) ctx.log.info({ part: 'followup', threads: r.threads, repliesAdded: r.repliesAdded, oursAdded: r.oursAdded, errors: r.errors.length, found: r.ledger?.found.length ?? 0, verified: r.ledger?.verified.length ?? 0 }, 'follow-up round');
  },
};
