import { z } from 'zod';
import { schemaVersion } from '../../db/migrate.ts';
import { eventLoopFiguresSchema, processEventLoop } from '../event-loop.ts';
import { typed, type RouteModule } from './types.ts';

export const healthRoutes: RouteModule = (app, ctx) => {
  const loop = processEventLoop(ctx.log);
  typed(app).get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness, database status and the event-loop stall detector',
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['sqlite', 'postgres']),
            schemaVersion: z.string().nullable(),
            migrations: z.number(),
            eventLoop: eventLoopFiguresSchema.describe('how long this process kept requests, ingest and delivery waiting: delay percentiles of the last 30–60 s and stalls'),
          }),
          503: z.object({ status: z.literal('error'), database: z.enum(['sqlite', 'postgres']), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        const v = await schemaVersion(ctx.db);
        return { status: 'ok' as const, database: ctx.db.kind, schemaVersion: v.version, migrations: v.applied, eventLoop: loop.snapshot() };
      } catch (err) {
        return reply.code(503).send({ status: 'error' as const, database: ctx.db.kind, error: (err as Error).message });
      }
    },
  );
};
