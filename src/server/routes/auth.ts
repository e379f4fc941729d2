import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { DEVICE_COOKIE, DEVICE_TTL_MS, deviceSecret, issueDeviceToken, knownDevice } from '../../auth/device.ts';
import { verifyPassword } from '../../auth/password.ts';
import { createSession, destroySession, SESSION_COOKIE, SESSION_TTL_MS } from '../../auth/sessions.ts';
import { loginFailed, loginSucceeded, reserveLoginAttempt, type LoginGate } from '../../auth/throttle.ts';
import { changeOwnPassword } from '../../auth/users.ts';
import { publicConfig } from '../../config.ts';
import { t } from '../../i18n/index.ts';
import { actorOf, clientIp } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { errorBody, noContent } from '../responses.ts';
import { meSchema } from '../answers.ts';
import { localTimeOfDay } from '../../time/format.ts';
import { workspaceZone } from '../../time/zone.ts';

/** The zh-CN refusal: which counter is locked, how long to wait, and until when (Beijing time). */
function throttledMessage(gate: Extract<LoginGate, { ok: false }>): string {
  const s = gate.retryAfterSeconds;
  const wait = s < 60 ? t('auth.wait.seconds', { n: s }) : t('auth.wait.minutes', { n: Math.ceil(s / 60) });
  const until = localTimeOfDay(gate.until);
  return t(`auth.throttled.${gate.scope}`, { wait, until });
}

export const authRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.post(
    '/api/auth/login',
    {
      config: { csrf: false },
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets the session cookie and returns the CSRF token',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
        response: { 200: meSchema, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const ip = clientIp(request);
      const secret = await deviceSecret(db, ctx.config);
      const deviceId = knownDevice(secret, request.cookies[DEVICE_COOKIE], username);
      // The attempt is counted before the password is checked, so parallel guesses cannot outrun the limit.
      const gate = await reserveLoginAttempt(db, { username, ip, deviceId });
      if (!gate.ok) {
        request.log.warn({ username, ip, scope: gate.scope, until: gate.until, knownDevice: !!deviceId }, 'login throttled');
        return reply
          .code(429)
          .header('retry-after', String(gate.retryAfterSeconds))
          .send({ error: { code: 'throttled', message: throttledMessage(gate), scope: gate.scope, until: gate.until } });
      }
      const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      // Verify even for unknown users so that timing does not reveal which usernames exist.
      const ok = await verifyPassword(user?.password_hash ?? '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$0000000000000000000000000000000000000000000', password);
      if (!user || !ok) {
        await loginFailed(db);
        return reply.code(401).send({ error: { code: 'bad_credentials', message: t('auth.badCredentials') } });
      }
      if (user.active !== 1) return reply.code(403).send({ error: { code: 'disabled', message: t('auth.disabled') } });
      await loginSucceeded(db, gate);
      const s = await createSession(db, user.id, { ip, userAgent: request.headers['user-agent'] });
      const actor = { id: user.id, name: user.display_name || user.username, role: user.role, departmentId: user.department_id, via: 'api' as const };
      await recordAudit(db, actor, { action: 'auth.login', entity: 'user', entityId: user.id, after: { ip } });
      reply.setCookie(SESSION_COOKIE, s.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.MINSHENG_SECURE_COOKIES,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      // This browser is now a known device of the account (its own, gentler login counter).
      reply.setCookie(DEVICE_COOKIE, issueDeviceToken(secret, user.username, deviceId ?? undefined), {
        path: '/api/auth',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.MINSHENG_SECURE_COOKIES,
        maxAge: Math.floor(DEVICE_TTL_MS / 1000),
      });
      return {
        id: user.id,
        username: user.username,
        name: user.display_name,
        role: user.role,
        departmentId: user.department_id,
        mustChangePassword: user.must_change_password === 1,
        csrfToken: s.csrfToken,
        config: { ...publicConfig(ctx.config), timeZone: workspaceZone() },
      };
    },
  );

  r.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this session', response: { 204: noContent, 401: errorBody } } }, async (request, reply) => {
    const actor = actorOf(request);
    await destroySession(db, request.session!.sessionId);
    await recordAudit(db, actor, { action: 'auth.logout', entity: 'user', entityId: actor.id });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  r.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The current user and CSRF token', response: { 200: meSchema, 401: errorBody } } }, async (request) => {
    const actor = actorOf(request);
    const s = request.session!;
    return {
      id: actor.id!,
      username: s.username,
      name: actor.name,
      role: actor.role,
      departmentId: actor.departmentId,
      mustChangePassword: s.mustChangePassword,
      csrfToken: s.csrfToken,
      config: { ...publicConfig(ctx.config), timeZone: workspaceZone() },
    };
  });

  r.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change my password (other sessions are ended)',
        body: z.object({ current: z.string().min(1), next: z.string().min(1).max(200) }),
        response: { 200: z.object({ ok: z.literal(true), message: z.string() }), 400: errorBody, 401: errorBody },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await changeOwnPassword(db, actor, request.body.current, request.body.next, request.session!.sessionId);
      return { ok: true as const, message: t('auth.passwordChanged') };
    },
  );
};
