import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { applyWorkspace, exportWorkspace } from '../../workspace/workspace.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

export const workspaceRoutes: RouteModule = (app, ctx) => {
  const r = typed(app);
  r.get('/api/workspace', { schema: { tags: ['workspace'], summary: 'Export the workspace as YAML' } }, async (request, reply) => {
    assertCan(actorOf(request), 'workspace.export');
    return reply.type('application/yaml; charset=utf-8').send(await exportWorkspace(ctx.db.kysely));
  });
  r.post(
    '/api/workspace/apply',
    { schema: { tags: ['workspace'], summary: 'Apply a workspace YAML file (all or nothing)', body: z.object({ yaml: z.string().max(5_000_000) }) } },
    async (request) => {
      const actor = actorOf(request);
      assertCan(actor, 'workspace.apply');
      return applyWorkspace(ctx.db.kysely, actor, request.body.yaml);
    },
  );
};
