import { z } from 'zod';
import { schemaVersion } from '../../db/migrate.ts';
import { READ_LANES, readThreadFigures } from '../../db/read-thread.ts';
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
            readThreads: z
              .object({ lanes: z.array(z.object({ lane: z.enum(READ_LANES), running: z.boolean(), busy: z.number(), completed: z.number() })) })
              .nullable()
              .describe('the threads heavy reads run on (dashboard, statistics, search): reads waiting or running and done per lane; null when reads run on the serving thread'),
          }),
          503: z.object({ status: z.literal('error'), database: z.enum(['sqlite', 'postgres']), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        const v = await schemaVersion(ctx.db);
        return { status: 'ok' as const, database: ctx.db.kind, schemaVersion: v.version, migrations: v.applied, eventLoop: loop.snapshot(), readThreads: readThreadFigures(ctx.db.kysely) };
      } catch (err) {
        return reply.code(503).send({ status: 'error' as const, database: ctx.db.kind, error: (err as Error).message });
      }
    },
  );
};
