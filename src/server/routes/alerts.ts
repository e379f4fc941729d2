import { z } from 'zod';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { canSeeDepartment, isDepartmentScoped } from '../../auth/policy.ts';
import { acknowledgeAlert, acknowledgedSchema, alertAttemptSchema, alertQuery, alertRowSchema, getAlert, listAlerts, listAttempts, markRead, unreadInapp, visibleAlertIds } from '../../alert/alerts.ts';
import { downloadAttachment } from '../../alert/attachments.ts';
import { INAPP_EVENT, type InappEvent } from '../../alert/channels/inapp.ts';
import { checkAckLink, linkSecret } from '../../alert/links.ts';
import { t } from '../../i18n/index.ts';
import { localDateTime } from '../../time/format.ts';
import { alertPreferencesPatch, changeMyPreferences, myPreferences, myPreferencesSchema } from '../../alert/preferences.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { fileAnswer, textAnswer } from '../responses.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const linkQuery = z.object({ exp: z.string().optional(), sig: z.string().optional() });

const ackPage = textAnswer('A small page: the confirmation form, or what happened', 'text/html');
const linkActor: Actor = { id: null, name: 'ack-link', role: 'admin', departmentId: null, via: 'api' };

function page(title: string, body: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em">${body}</body></html>`;
}

/** Alerts (预警): list, detail, attempts, acknowledgement (console or signed link), in-app unread list and live stream; attachment download. */
export const alertRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  const tags = ['alerts'];

  r.get('/api/alerts', { schema: { tags, summary: 'Alerts visible to me, newest first', querystring: alertQuery, response: { 200: alertRowSchema.array() } } }, async (request) => listAlerts(db, actorOf(request), request.query));
  r.get('/api/alerts/unread', { schema: { tags, summary: 'In-app alerts I have not read', response: { 200: alertRowSchema.array() } } }, async (request) => unreadInapp(db, actorOf(request)));
  r.post('/api/alerts/read', { schema: { tags, summary: 'Mark in-app alerts read (all when no ids)', body: z.object({ ids: z.array(z.number().int().positive()).optional() }), response: { 200: z.object({ marked: z.number() }) } } }, async (request) => ({
    marked: await markRead(db, actorOf(request), request.body.ids),
  }));
  r.get('/api/alerts/stream', { schema: { tags, summary: 'Server-sent events: in-app alerts as they are delivered', response: { 200: textAnswer('`event: alert` with the in-app notice as JSON data; pings', 'text/event-stream') } } }, async (request, reply) => {
    const actor = actorOf(request);
    const offices = await officeDepartmentIds(db);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const pushed = new Set<number>();
    const push = async (ev: InappEvent) => {
      if (!canSeeDepartment(actor, ev.departmentId, offices)) return;
      if (ev.roles && ev.roles.length && !ev.roles.includes(actor.role)) return;
      // An alert for named people reaches only them (in their digest otherwise, or not at all).
      if (ev.recipients && !ev.recipients.includes(actor.id ?? -1)) return;
      if (ev.alertIds.every((id) => pushed.has(id))) return;
      // A responder or head: only alerts they may see (not about another department's case).
      if (isDepartmentScoped(actor) && (await visibleAlertIds(db, actor, ev.alertIds).catch(() => [])).length === 0) return;
      if (ev.alertIds.every((id) => pushed.has(id))) return;
      for (const id of ev.alertIds) pushed.add(id);
      res.write(`id: ${ev.alertIds[0]}\nevent: alert\ndata: ${JSON.stringify(ev)}\n\n`);
    };
    const send = (ev: InappEvent) => void push(ev).catch(() => undefined);
    ctx.bus.on(INAPP_EVENT, send);
    // Another process (a worker) may deliver: also look in the database every few seconds.
    let lastId = Number(request.headers['last-event-id'] ?? 0) || ((await db.selectFrom('alerts').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);
    const poll = setInterval(async () => {
      try {
        const rows = await unreadInapp(db, actor, 50);
        for (const row of rows.filter((x) => x.id > Number(lastId)).reverse()) {
          await push({ channelId: row.channel_id, alertIds: [row.id], departmentId: row.department_id, roles: null, recipients: null, kind: row.kind, level: row.level, title: row.title, body: row.body, links: [], at: row.sent_at ?? row.created_at });
          lastId = Math.max(Number(lastId), row.id);
        }
        res.write(': ping\n\n');
      } catch {
        /* database closing: the stream ends with the server */
      }
    }, 3000);
    request.raw.on('close', () => {
      clearInterval(poll);
      ctx.bus.off(INAPP_EVENT, send);
    });
  });
  r.get('/api/alerts/preferences', { schema: { tags, summary: 'What I receive: my choices, what applies, and what the office allows', response: { 200: myPreferencesSchema } } }, async (request) => myPreferences(db, actorOf(request)));
  r.put('/api/alerts/preferences', { schema: { tags, summary: 'Change what I receive (levels at once, digest and its times, personal e-mail), within what the office allows', body: alertPreferencesPatch, response: { 200: myPreferencesSchema } } }, async (request) =>
    changeMyPreferences(db, actorOf(request), request.body),
  );
  r.get('/api/alerts/:id', { schema: { tags, summary: 'One alert', params: idParam, response: { 200: alertRowSchema } } }, async (request) => getAlert(db, actorOf(request), request.params.id));
  r.get('/api/alerts/:id/attempts', { schema: { tags, summary: "Delivery attempts with a snippet of each service's answer", params: idParam, response: { 200: alertAttemptSchema.array() } } }, async (request) =>
    listAttempts(db, actorOf(request), request.params.id),
  );
  r.post('/api/alerts/:id/ack', { schema: { tags, summary: 'Acknowledge (stops escalation for the whole matter)', params: idParam, response: { 200: acknowledgedSchema } } }, async (request) =>
    acknowledgeAlert(db, actorOf(request), request.params.id),
  );

  // The signed link in messages: GET shows a confirmation page (chat apps prefetch links), POST acknowledges.
  const linkCheck = async (id: number, q: z.infer<typeof linkQuery>) => checkAckLink(await linkSecret(db, ctx.config), id, q.exp, q.sig);
  r.get('/api/alerts/:id/ack-link', { schema: { tags, summary: 'Acknowledgement page for a signed link', params: idParam, querystring: linkQuery, response: { 200: ackPage, 403: ackPage, 410: ackPage } } }, async (request, reply) => {
    const check = await linkCheck(request.params.id, request.query);
    reply.type('text/html; charset=utf-8');
    if (check !== 'ok') return reply.code(check === 'expired' ? 410 : 403).send(page('民声', `<p>${t(check === 'expired' ? 'alert.error.ackLinkExpired' : 'alert.error.ackLinkInvalid')}</p>`));
    const alert = await getAlert(db, linkActor, request.params.id);
    if (alert.acknowledged_at) return page('民声', `<p>${t('alert.ack.already', { at: localDateTime(alert.acknowledged_at) })}</p>`);
    const action = `/api/alerts/${alert.id}/ack-link?exp=${encodeURIComponent(request.query.exp ?? '')}&sig=${encodeURIComponent(request.query.sig ?? '')}`;
    return page('民声', `<p>${t('alert.ack.confirm', { title: alert.title.replace(/[<>&"]/g, '') })}</p><form method="post" action="${action}"><button type="submit">${t('alert.ack.button')}</button></form>`);
  });
  r.post('/api/alerts/:id/ack-link', { config: { csrf: false }, schema: { tags, summary: 'Acknowledge through a signed link (no login)', params: idParam, querystring: linkQuery, response: { 200: ackPage, 403: ackPage, 410: ackPage } } }, async (request, reply) => {
    const check = await linkCheck(request.params.id, request.query);
    reply.type('text/html; charset=utf-8');
    if (check !== 'ok') return reply.code(check === 'expired' ? 410 : 403).send(page('民声', `<p>${t(check === 'expired' ? 'alert.error.ackLinkExpired' : 'alert.error.ackLinkInvalid')}</p>`));
    const done = await acknowledgeAlert(db, linkActor, request.params.id);
    return page('民声', `<p>${done.alreadyAcknowledged ? t('alert.ack.already', { at: localDateTime(done.acknowledged_at) }) : t('alert.ack.done', { title: done.title.replace(/[<>&"]/g, '') })}</p>`);
  });

  // The ledger's routes may already serve this path (its getAttachment hands other owners to downloadAttachment).
  if (app.hasRoute({ method: 'GET', url: '/api/attachments/:id' })) return;
  r.get('/api/attachments/:id', { schema: { tags: ['files'], summary: 'Download an attachment (briefs, pictures)', params: idParam, response: { 200: fileAnswer('The file') } } }, async (request, reply) => {
    const file = await downloadAttachment(db, actorOf(request), request.params.id);
    return reply
      .type(file.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(file.data));
  });
};
