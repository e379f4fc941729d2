import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { BUILTIN_TEMPLATES, createTemplate, deleteTemplate, listTemplates, templateInput, templateListSchema, templateSchema, updateTemplate } from '../../cases/templates.ts';
import { noContent } from '../responses.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const tags = ['templates'];

/** Reply templates (reply | firm | statement) with placeholders. */
export const templateRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/reply-templates', { schema: { tags, summary: 'Reply templates, and the built-in ones used when a kind has none', response: { 200: templateListSchema } } }, async (request) => {
    assertCan(actorOf(request), 'cases.read');
    return { templates: await listTemplates(db), builtin: BUILTIN_TEMPLATES };
  });
  r.post('/api/reply-templates', { schema: { tags, summary: 'Create a reply template', body: templateInput, response: { 201: templateSchema } } }, async (request, reply) =>
    reply.code(201).send(await createTemplate(db, actorOf(request), request.body)),
  );
  r.patch('/api/reply-templates/:id', { schema: { tags, summary: 'Change a reply template', params: idParam, body: templateInput.partial(), response: { 200: templateSchema } } }, async (request) =>
    updateTemplate(db, actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/reply-templates/:id', { schema: { tags, summary: 'Delete a reply template', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteTemplate(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
