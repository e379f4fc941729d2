import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { channelInput, createChannel, deleteChannel, getChannel, listChannels, publicChannelSchema, sendTest, setChannelEnabled, updateChannel } from '../../alert/channel-store.ts';
import { channelProviders } from '../../alert/channels/index.ts';
import { alertSettingsSchema, changeAlertSettings, loadAlertSettings } from '../../alert/settings.ts';
import { t } from '../../i18n/index.ts';
import { formSchema } from '../../forms/json-schema.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { noContent } from '../responses.ts';
import { channelKindSchema, channelTestSchema } from '../answers.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Alert channels (预警渠道): CRUD, test message, failure state, re-enable; and the alert settings. */
export const channelRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  const tags = ['alerts'];

  r.get('/api/channel-kinds', { schema: { tags, summary: 'Channel kinds, their secret fields and their settings as JSON Schema (zh-CN titles)', response: { 200: channelKindSchema.array() } } }, async (request) => {
    assertCan(actorOf(request), 'channels.manage');
    return Object.values(channelProviders).map((p) => ({ kind: p.kind, secretFields: p.secretFields, schema: formSchema(p.config, `channel.${p.kind}`, p.secretFields) }));
  });
  r.get('/api/channels', { schema: { tags, summary: 'Channels with their failure state (secrets masked)', response: { 200: publicChannelSchema.array() } } }, async (request) => listChannels(db, actorOf(request)));
  r.get('/api/channels/:id', { schema: { tags, summary: 'One channel', params: idParam, response: { 200: publicChannelSchema } } }, async (request) => getChannel(db, actorOf(request), request.params.id));
  r.post('/api/channels', { schema: { tags, summary: 'Create a channel', body: channelInput, response: { 201: publicChannelSchema } } }, async (request, reply) =>
    reply.code(201).send(await createChannel(db, actorOf(request), request.body)),
  );
  r.patch('/api/channels/:id', { schema: { tags, summary: 'Update a channel (a masked secret "********" keeps the stored one)', params: idParam, body: channelInput.partial(), response: { 200: publicChannelSchema } } }, async (request) => {
    return updateChannel(db, actorOf(request), request.params.id, request.body);
  });
  r.delete('/api/channels/:id', { schema: { tags, summary: 'Delete a channel that has no alerts', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteChannel(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
  r.post('/api/channels/:id/test', { schema: { tags, summary: "Send a test message; returns the service's answer", params: idParam, response: { 200: channelTestSchema } } }, async (request) => {
    const res = await sendTest(ctx, actorOf(request), request.params.id);
    const message = res.ok ? (res.userMessage ?? t('alert.test.ok', { channel: res.channel })) : t('alert.test.failed', { reason: res.userMessage ?? t(`alert.failure.${res.failure ?? 'server'}`) });
    return { ok: res.ok, channel: res.channel, kind: res.kind, status: res.status, serviceCode: res.serviceCode ?? null, answer: res.snippet, failure: res.failure ?? null, error: res.error ?? null, message };
  });
  r.post('/api/channels/:id/enable', { schema: { tags, summary: 'Re-enable a channel: clears the failure streak; held alerts go out', params: idParam, response: { 200: publicChannelSchema } } }, async (request) => {
    return setChannelEnabled(db, actorOf(request), request.params.id, true);
  });
  r.post('/api/channels/:id/disable', { schema: { tags, summary: 'Switch a channel off (its alerts wait)', params: idParam, response: { 200: publicChannelSchema } } }, async (request) =>
    setChannelEnabled(db, actorOf(request), request.params.id, false),
  );

  r.get('/api/alert-settings', { schema: { tags, summary: 'Delivery, flood and escalation settings', response: { 200: alertSettingsSchema } } }, async (request) => {
    assertCan(actorOf(request), 'settings.manage');
    return loadAlertSettings(db);
  });
  r.put('/api/alert-settings', { schema: { tags, summary: 'Change delivery, flood and escalation settings', body: alertSettingsSchema.partial(), response: { 200: alertSettingsSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'settings.manage');
    return db.transaction().execute(async (trx) => (await changeAlertSettings(trx, actor, request.body)).settings);
  });
};
