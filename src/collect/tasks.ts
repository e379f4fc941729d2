import type { PeriodicTask } from '../jobs/scheduler.ts';
import { collectDue } from './collector.ts';
import { followUpThreads } from './followup.ts';

/** Collects the sources that are due (each has its own interval, jittered, in next_check_at). */
export const collectTask: PeriodicTask = {
  name: 'collect.due',
  intervalMs: 30 * 1000,
  async run(ctx) {
    const results = await collectDue(ctx);
    const failed = results.filter((r) => !r.ok);
    if (results.length) ctx.log.info({ part: 'collect', sources: results.length, failed: failed.length, created: results.reduce((n, r) => n + r.created, 0) }, 'collection round');
  },
};

/** Re-fetches the threads of open cases for new replies. */
export const followUpTask: PeriodicTask = {
  name: 'collect.followup',
  intervalMs: 10 * 60 * 1000,
  async run(ctx) {
    const r = await followUpThreads(ctx);
    if (r.threads) ctx.log.info({ part: 'followup', ...r, errors: r.errors.length }, 'follow-up round');
  },
};
