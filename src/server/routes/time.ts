import { assertCan } from '../../auth/policy.ts';
import { changeTimeSettings, loadTimeSettings, timeSettingsPatch, timeSettingsSchema } from '../../time/settings.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

/** The workspace time zone (时区): every time people read is shown in it; stored times stay UTC. */
export const timeRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  const tags = ['workspace'];
  r.get('/api/time-settings', { schema: { tags, summary: 'The workspace time zone', response: { 200: timeSettingsSchema } } }, async (request) => {
    assertCan(actorOf(request), 'settings.manage');
    return loadTimeSettings(db);
  });
  r.put('/api/time-settings', { schema: { tags, summary: 'Change the workspace time zone (what people read; stored times stay UTC)', body: timeSettingsPatch, response: { 200: timeSettingsSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'settings.manage');
    return db.transaction().execute(async (trx) => (await changeTimeSettings(trx, actor, request.body)).settings);
  });
};
