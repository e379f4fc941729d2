import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Serves the built console (web/dist) with history-API fallback; API paths are never shadowed. */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const hasBuild = existsSync(`${WEB_DIST}index.html`);
  if (hasBuild) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET') {
      return reply.code(404).send({ error: { code: 'not_found', message: '未找到请求的内容' } });
    }
    if (!hasBuild) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><meta charset="utf-8"><title>民声</title><p>控制台尚未构建。请运行 <code>npm run build:web</code> 后重新启动。</p>');
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
