import { z } from 'zod';
import { auditFacets, listAudit } from '../../audit/audit.ts';
import { auditEntrySchema, auditFacetsSchema, auditFacetsView, describeAuditRows } from '../../audit/describe.ts';
import { assertCan } from '../../auth/policy.ts';
import { localInstant } from '../../time/calendar.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const auditRoutes: RouteModule = (app, ctx) => {
  typed(app).get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The append-only audit trail, newest first, each entry with a Chinese sentence and its changed fields',
        querystring: z.object({
          entity: z.string().optional(),
          entityId: z.string().optional(),
          actorId: z.coerce.number().int().optional(),
          action: z.string().optional().describe('an action code, e.g. channel.update'),
          actor: z.string().optional().describe('an actor name as stored'),
          from: day.optional().describe('first day, in the workspace time zone'),
          to: day.optional().describe('last day (inclusive), in the workspace time zone'),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          beforeId: z.coerce.number().int().optional(),
        }),
        response: { 200: auditEntrySchema.array() },
      },
    },
    async (request) => {
      assertCan(actorOf(request), 'audit.read');
      const { from, to, ...q } = request.query;
      const rows = await listAudit(ctx.db.kysely, {
        ...q,
        fromAt: from ? localInstant(from, 0).toISOString() : undefined,
        toAt: to ? localInstant(to, 1440).toISOString() : undefined,
      });
      return describeAuditRows(ctx.db.kysely, rows);
    },
  );

  typed(app).get(
    '/api/audit/facets',
    {
      schema: {
        tags: ['audit'],
        summary: 'The actions and people present in the audit trail, with their Chinese names, for its filters',
        response: { 200: auditFacetsSchema },
      },
    },
    async (request) => {
      assertCan(actorOf(request), 'audit.read');
      return auditFacetsView(await auditFacets(ctx.db.kysely));
    },
  );
};
