import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => Promise<void> | void;

/** The Fastify instance with zod schemas for params, query, body and responses. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
