import { z } from 'zod';
import { auditRowSchema, listAudit } from '../../audit/audit.ts';
import { assertCan } from '../../auth/policy.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

export const auditRoutes: RouteModule = (app, ctx) => {
  typed(app).get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The append-only audit trail, newest first',
        querystring: z.object({
          entity: z.string().optional(),
          entityId: z.string().optional(),
          actorId: z.coerce.number().int().optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          beforeId: z.coerce.number().int().optional(),
        }),
        response: { 200: auditRowSchema.array() },
      },
    },
    async (request) => {
      assertCan(actorOf(request), 'audit.read');
      return listAudit(ctx.db.kysely, request.query);
    },
  );
};
