import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { applyResultSchema, applyWorkspace, exportWorkspace } from '../../workspace/workspace.ts';
import { textAnswer } from '../responses.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

export const workspaceRoutes: RouteModule = (app, ctx) => {
  const r = typed(app);
  r.get('/api/workspace', { schema: { tags: ['workspace'], summary: 'Export the workspace as YAML', response: { 200: textAnswer('The workspace file (the format of `minsheng workspace apply`)', 'application/yaml') } } }, async (request, reply) => {
    assertCan(actorOf(request), 'workspace.export');
    return reply.type('application/yaml; charset=utf-8').send(await exportWorkspace(ctx.db.kysely));
  });
  r.post(
    '/api/workspace/apply',
    { schema: { tags: ['workspace'], summary: 'Apply a workspace YAML file (all or nothing)', body: z.object({ yaml: z.string().max(5_000_000) }), response: { 200: applyResultSchema } } },
    async (request) => {
      const actor = actorOf(request);
      assertCan(actor, 'workspace.apply');
      return applyWorkspace(ctx.db.kysely, actor, request.body.yaml);
    },
  );
};
