import type { PeriodicTask } from '../jobs/scheduler.ts';
import { collectDue, collectSourceJob, leaseDueSources } from './collector.ts';

/**
 * Collects the sources that are due (each has its own interval, jittered, in next_check_at).
 * It ticks every 2 s in every process so a source is fetched within ~2 s of coming due: the
 * early warning depends on it, and the claim on next_check_at keeps concurrent planners apart.
 */
export const collectTask: PeriodicTask = {
  name: 'collect.due',
  intervalMs: 2 * 1000,
  local: true,
  async run(ctx) {
    if (ctx.jobs) {
      // Job runtime (serve, workers): one job per due source, so several workers share the sources.
      const jobs = ctx.jobs;
      const lease = 2 * (ctx.config.MINSHENG_JOB_LEASE_SECONDS ?? 300);
      await leaseDueSources(ctx, async (sourceId) => void (await jobs.send(collectSourceJob, { sourceId }, { singletonKey: `source:${sourceId}` })), new Date(), lease);
      return;
    }
    const results = await collectDue(ctx);
    const failed = results.filter((r) => !r.ok);
    if (results.length) ctx.log.info({ part: 'collect', sources: results.length, failed: failed.length, created: results.reduce((n, r) => n + r.created, 0) }, 'collection round');
  },
};
