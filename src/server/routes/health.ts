import { z } from 'zod';
import { schemaVersion } from '../../db/migrate.ts';
import { typed, type RouteModule } from './types.ts';

export const healthRoutes: RouteModule = (app, ctx) => {
  typed(app).get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database status',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']), schemaVersion: z.string().nullable(), migrations: z.number() }),
          503: z.object({ status: z.literal('error'), database: z.enum(['sqlite', 'postgres']), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        const v = await schemaVersion(ctx.db);
        return { status: 'ok' as const, database: ctx.db.kind, schemaVersion: v.version, migrations: v.applied };
      } catch (err) {
        return reply.code(503).send({ status: 'error' as const, database: ctx.db.kind, error: (err as Error).message });
      }
    },
  );
};
