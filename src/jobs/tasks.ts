import type { PeriodicTask } from './scheduler.ts';
import { caseTasks } from '../cases/tasks.ts';
import { similarIndexTask } from '../cases/similar.ts';
import { deliveryTask, digestTask, escalationTask } from '../alert/runner.ts';
import { followUpTask } from '../pipeline/followup.ts';
import { pendingAnalysisTask } from '../pipeline/index.ts';
import { collectTask } from '../collect/tasks.ts';
import { reportScheduleTask } from '../report/schedules.ts';
import { rollupTask } from '../report/rollup.ts';
import { optimizeTask } from '../db/maintenance.ts';
import { zoneRefreshTask } from '../time/settings.ts';

/** Every periodic task of a running platform. A stage adds its task here (collection, delivery, deadlines …). */
export const periodicTasks: PeriodicTask[] = [
  {
    name: 'sessions.cleanup',
    intervalMs: 60 * 60 * 1000,
    async run(ctx) {
      await ctx.db.kysely.deleteFrom('sessions').where('expires_at', '<', new Date().toISOString()).execute();
    },
  },
  ...caseTasks,
  similarIndexTask,
  deliveryTask,
  escalationTask,
  digestTask,
  pendingAnalysisTask,
  collectTask,
  followUpTask,
  reportScheduleTask,
  rollupTask,
  optimizeTask,
  zoneRefreshTask,
];
