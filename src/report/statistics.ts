import { threadRead } from '../db/read-thread.ts';
import type { Period } from './period.ts';
import { volumeStats, type VolumeStats } from './stats.ts';
import { departmentTimeliness, type TimelinessReport } from './timeliness.ts';

export type PeriodStatistics = VolumeStats & { timeliness: TimelinessReport };

/**
 * The statistics page of a period: volume, trend, hot events and issues, department timeliness.
 * Counting a month of a large workspace and clustering its posts takes seconds, so it runs on
 * the reports read thread (db/read-thread.ts); a hot issue lists at most 50 post ids.
 */
export const periodStatistics = threadRead(
  import.meta.url,
  'periodStatistics',
  'reports',
  async (db, args: { period: Period; departmentId: number | null; eventId?: number }): Promise<PeriodStatistics> => {
    const [volume, timeliness] = await Promise.all([
      volumeStats(db, args.period, { departmentId: args.departmentId, eventId: args.eventId }),
      departmentTimeliness(db, args.period, { departmentId: args.departmentId }),
    ]);
    return { ...volume, hotIssues: volume.hotIssues.map((h) => ({ ...h, postIds: h.postIds.slice(0, 50) })), timeliness };
  },
);
