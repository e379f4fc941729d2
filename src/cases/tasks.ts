import type { PeriodicTask } from '../jobs/scheduler.ts';
import { checkDeadlines } from './reminders.ts';
import { verifyResponses } from './verify.ts';

/** Periodic case tasks: the deadline watch every minute, reply verification every five. */
export const caseTasks: PeriodicTask[] = [
  {
    name: 'cases.deadlines',
    intervalMs: 60_000,
    async run(ctx) {
      const r = await checkDeadlines(ctx);
      if (r.reminders || r.overdue || r.marked.length) ctx.log.info({ ...r }, 'case deadlines checked');
    },
  },
  {
    name: 'cases.verify',
    intervalMs: 5 * 60_000,
    async run(ctx) {
      const r = await verifyResponses(ctx);
      if (r.verified.length || r.warned.length) ctx.log.info({ verified: r.verified, warned: r.warned }, 'responses verified');
    },
  },
];
