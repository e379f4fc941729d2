import { changeTimeSettings, loadTimeSettings, timeSettingsPatch, type TimeSettings } from '../../time/settings.ts';
import { count, emptyStats, type WorkspaceSection } from '../section.ts';

/** `time`: one item with the workspace time zone (zone: Asia/Shanghai). */
export const timeSection: WorkspaceSection<Partial<TimeSettings>> = {
  key: 'time',
  order: 5,
  item: timeSettingsPatch,
  async validate(_db, items) {
    return items.length > 1 ? [{ path: ['time', 1], message: 'time holds one item' }] : [];
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    count(stats, (await changeTimeSettings(trx, ctx.actor, items[0] ?? {}, true)).outcome);
    return stats;
  },
  async export(db) {
    return [await loadTimeSettings(db)];
  },
};
