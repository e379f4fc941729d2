import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { detectionSchema, detectSource } from '../../collect/detect.ts';
import { changeRsshubSettings, loadRsshubSettings, rsshubCatalogue, rsshubRoute, rsshubRouteSchema, rsshubSettingsSchema, rsshubUrl } from '../../collect/rsshub.ts';
import { CollectError } from '../../collect/types.ts';
import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { OutboundRefusedError } from '../../outbound/refusal.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const detectBody = z
  .object({
    url: z.string().max(2000).optional().describe('a page, feed or API address pasted by a person'),
    rsshub: z.object({ route: z.string(), params: z.record(z.string(), z.string()) }).optional().describe('a catalogue route and its parameters, on the workspace RSSHub address'),
  })
  .refine((b) => !!b.url !== !!b.rsshub, 'give url or rsshub');

/** The source wizard: the RSSHub catalogue and address, and recognising a pasted URL. */
export const wizardRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  const tags = ['sources'];

  r.get('/api/rsshub', { schema: { tags, summary: "The RSSHub route catalogue (zh-CN) and the workspace's RSSHub address", response: { 200: z.object({ base_url: z.string().nullable(), routes: rsshubRouteSchema.array() }) } } }, async (request) => {
    assertCan(actorOf(request), 'sources.manage');
    return { base_url: (await loadRsshubSettings(db)).base_url, routes: rsshubCatalogue() };
  });
  r.put('/api/rsshub', { schema: { tags, summary: "Set the workspace's RSSHub address", body: rsshubSettingsSchema.extend({ base_url: z.string().max(500).nullable() }), response: { 200: rsshubSettingsSchema } } }, async (request) =>
    changeRsshubSettings(db, actorOf(request), request.body),
  );
  r.post('/api/sources/detect', { schema: { tags, summary: 'Recognise what a URL is (feed, RSSHub route, Discuz!, message board, JSON API) and preview what it would collect; stores nothing', body: detectBody, response: { 200: detectionSchema } } }, async (request) => {
    assertCan(actorOf(request), 'sources.manage');
    const base = (await loadRsshubSettings(db)).base_url;
    let url = request.body.url?.trim() ?? '';
    if (request.body.rsshub) {
      const route = rsshubRoute(request.body.rsshub.route);
      if (!route) throw new ValidationError(`unknown rsshub route ${request.body.rsshub.route}`, t('form.issue.enum', { field: 'RSSHub' }));
      if (!base) throw new ValidationError('rsshub address not set', t('rsshub.notSet'), { fields: [{ path: ['base_url'], message: t('rsshub.notSet') }] });
      url = rsshubUrl(base, route, request.body.rsshub.params);
    }
    if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new ValidationError(`bad url ${url}`, t('collect.badUrl', { url }), { fields: [{ path: ['url'], message: t('collect.badUrl', { url }) }] });
    try {
      return await detectSource(ctx, url, base);
    } catch (err) {
      const refusal = OutboundRefusedError.from(err);
      if (refusal) throw refusal;
      if (err instanceof CollectError) {
        const message = t('form.detect.failed', { reason: t(`form.detect.reason.${err.kind}`) });
        throw new ValidationError(err.message, message, { fields: [{ path: ['url'], message }] });
      }
      throw err;
    }
  });
};
