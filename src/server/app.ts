import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { csrfMatches, readSession, SESSION_COOKIE } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { registerJsonBody } from './json-body.ts';
import { declareErrorAnswers, responseSerializerCompiler } from './responses.ts';
import { routes } from './routes/index.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerConsole } from './static.ts';
import './session.ts';
import { issuesText } from '../i18n/issues.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * MINSHENG_TRUST_PROXY for Fastify: a list is given as is; a hop count n trusts the nearest n
 * peers whatever their address (Fastify's own number option trusts none), so the client address
 * is the n-th entry from the right of X-Forwarded-For.
 */
export function trustProxyOption(v: false | number | string[]): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof v === 'number') return v > 0 ? (_addr, hop) => hop < v : false;
  return v;
}

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log.child({ part: 'http' }) as FastifyBaseLogger,
    bodyLimit: 20 * 1024 * 1024,
    // X-Forwarded-For is believed only from proxies the operator named (MINSHENG_TRUST_PROXY);
    // otherwise anyone could pick their own address and escape the per-address login limit.
    trustProxy: trustProxyOption(ctx.config.MINSHENG_TRUST_PROXY),
  });
  registerSecurityHeaders(app);
  registerJsonBody(app);
  app.setValidatorCompiler(validatorCompiler);
  // Under the test suite an answer that loses fields to its schema fails (responses.ts).
  app.setSerializerCompiler(responseSerializerCompiler(process.env.NODE_ENV === 'test'));
  declareErrorAnswers(app);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: '民声 Minsheng API', version: '1', description: 'Public-opinion monitoring and response platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    request.session = await readSession(ctx.db.kysely, request.cookies[SESSION_COOKIE]);
    // CSRF: every state-changing request from a session must echo the session's token in a header.
    // Routes that authenticate otherwise (login, token push) opt out with config.csrf = false.
    if (UNSAFE.has(request.method) && request.routeOptions.config?.csrf !== false && request.session) {
      if (!csrfMatches(request.session.csrfToken, request.headers['x-csrf-token'] as string | undefined)) {
        return reply.code(403).send({ error: { code: 'csrf', message: t('error.csrf') } });
      }
    }
  });

  app.setErrorHandler((err, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const detail = err.validation.map((v) => `${v.instancePath || (v.params as { issue?: { path?: string[] } })?.issue?.path?.join('.') || ''} ${v.message}`.trim()).join('; ');
      // Each validation entry is a zod issue taken apart (keyword = code, params = its other fields): put it back together for its zh-CN text.
      const issues = err.validation.map((v) => ({ ...(v.params as object), code: v.keyword, path: v.instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: v.message ?? '' }) as Parameters<typeof issuesText>[0][number]);
      const zh = issuesText(issues);
      return reply.code(400).send({ error: { code: 'validation', message: t('error.validation', { detail: zh }), detail, details: err.validation } });
    }
    if (err instanceof AppError) {
      if (err.status >= 500) request.log.error({ err }, err.message);
      return reply.code(err.status).send({ error: { code: err.code, message: err.userMessage, detail: err.message, details: err.details } });
    }
    if ((err as { name?: string }).name === 'ZodError') {
      const issues = (err as unknown as { issues: Parameters<typeof issuesText>[0] }).issues;
      const detail = issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: { code: 'validation', message: t('error.validation', { detail: issuesText(issues) }), detail, details: issues } });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: { code: (err as { code?: string }).code ?? 'bad_request', message: t('error.validation', { detail: (err as Error).message }) } });
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: t('error.internal') } });
  });

  for (const register of routes) await register(app, ctx);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerConsole(app);
  return app;
}
