import multipart from '@fastify/multipart';
import { z } from 'zod';
import { assertCan } from '../../auth/policy.ts';
import { collectSource, fetcherFor, sourceRunResultSchema } from '../../collect/collector.ts';
import { importFile, importResultSchema } from '../../collect/importer/import.ts';
import {
  createSource,
  deleteSource,
  getSourceRow,
  issuePushToken,
  listSources,
  publicSourceSchema,
  sourceFor,
  sourceHealth,
  sourceHealthSchema,
  sourceInput,
  sourceListItemSchema,
  updateSource,
  visibleSource,
  withStoredSecrets,
} from '../../collect/manage.ts';
import { PRESETS } from '../../collect/parser/presets.ts';
import { previewSchema, previewSource } from '../../collect/preview.ts';
import { kindOf, sourceKinds } from '../../collect/sources/index.ts';
import { formSchema } from '../../forms/json-schema.ts';
import { sourceKindSchema } from '../answers.ts';
import { CollectError, sourceConfigJson } from '../../collect/types.ts';
import { readJson } from '../../db/values.ts';
import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { OutboundRefusedError } from '../../outbound/refusal.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { noContent } from '../responses.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

const testBody = z.object({
  url: z.string().url().max(2000),
  kind: z.enum(['feed', 'html', 'json']).optional().describe('default: feed, or html when a preset is given'),
  preset: z.enum(PRESETS as [string, ...string[]]).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  source_id: z.number().int().positive().optional().describe('testing a stored source: masked secrets in config take its stored values'),
});

/** Sources (信息源): CRUD, test, health, collect now, push tokens, file import upload. */
export const sourceRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/source-kinds', { schema: { tags: ['sources'], summary: 'Source kinds and their settings as JSON Schema (zh-CN titles)', response: { 200: sourceKindSchema.array() } } }, async (request) => {
    assertCan(actorOf(request), 'sources.manage');
    return Object.values(sourceKinds).map((k) => ({ kind: k.kind, needsUrl: k.needsUrl, pulled: k.pulled, schema: formSchema(k.config, 'source') }));
  });
  r.get('/api/sources', { schema: { tags: ['sources'], summary: 'List sources with post counts and health', response: { 200: sourceListItemSchema.array() } } }, async (request) => listSources(db, actorOf(request)));
  r.get('/api/sources/health', { schema: { tags: ['sources'], summary: 'Health of every source: last success, last error, error streak, paused', response: { 200: sourceHealthSchema.array() } } }, async (request) =>
    sourceHealth(db, actorOf(request)),
  );
  r.get('/api/sources/:id', { schema: { tags: ['sources'], summary: 'One source', params: idParam, response: { 200: publicSourceSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'posts.read');
    return sourceFor(actor, await visibleSource(db, actor, request.params.id));
  });
  r.post('/api/sources', { schema: { tags: ['sources'], summary: 'Create a source', body: sourceInput, response: { 201: publicSourceSchema } } }, async (request, reply) =>
    reply.code(201).send(await createSource(db, actorOf(request), request.body)),
  );
  r.patch('/api/sources/:id', { schema: { tags: ['sources'], summary: 'Update a source (pause/resume with paused)', params: idParam, body: sourceInput.partial(), response: { 200: publicSourceSchema } } }, async (request) =>
    updateSource(db, actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/sources/:id', { schema: { tags: ['sources'], summary: 'Delete a source without posts (otherwise pause it)', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteSource(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
  r.post('/api/sources/:id/push-token', { schema: { tags: ['sources'], summary: 'Issue a new push token (shown once; the old one stops working)', params: idParam, response: { 200: z.object({ token: z.string() }) } } }, async (request) =>
    issuePushToken(db, actorOf(request), request.params.id),
  );
  r.post('/api/sources/test', { schema: { tags: ['sources'], summary: 'Fetch a URL once and show what would be collected; stores nothing', body: testBody, response: { 200: previewSchema } } }, async (request) => {
    assertCan(actorOf(request), 'sources.manage');
    const { source_id, ...body } = request.body;
    const stored = source_id ? await getSourceRow(db, source_id) : null;
    const given = withStoredSecrets({ url: stored?.url ?? null, config: readJson(sourceConfigJson, stored?.config, {}) }, { url: body.url, config: body.config ?? {} });
    try {
      return await previewSource(ctx, { ...body, url: given.url as string, config: given.config as Record<string, unknown> } as Parameters<typeof previewSource>[1]);
    } catch (err) {
      const refusal = OutboundRefusedError.from(err);
      if (refusal) throw refusal;
      if (err instanceof CollectError) throw new ValidationError(err.message, t('collect.fetchFailed', { reason: err.userMessage }));
      throw err;
    }
  });
  r.post('/api/sources/:id/collect', { schema: { tags: ['sources'], summary: 'Collect this source now', params: idParam, response: { 200: sourceRunResultSchema } } }, async (request) => {
    assertCan(actorOf(request), 'sources.manage');
    const source = await getSourceRow(db, request.params.id);
    if (!kindOf(source.kind)?.pulled) throw new ValidationError(`source ${source.name} is not fetched`, t('collect.wrongKind', { name: source.name, kind: source.kind, what: '立即采集' }));
    const fetcher = fetcherFor(ctx);
    try {
      return await collectSource(ctx, fetcher, source);
    } finally {
      await fetcher.close();
    }
  });

  // Multipart only in this scope: the import upload.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } });
    typed(scope).post(
      '/api/sources/:id/import',
      {
        schema: {
          tags: ['sources'],
          summary: 'Import an .xlsx/.csv/.jsonl file (multipart field "file"; optional field "map": col=field,…)',
          params: idParam,
          consumes: ['multipart/form-data'],
          response: { 200: importResultSchema },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        assertCan(actor, 'posts.create');
        const source = await visibleSource(db, actor, request.params.id);
        const file = await request.file();
        if (!file) throw new ValidationError('no file uploaded', t('collect.importEmpty'));
        let bytes: Buffer;
        try {
          bytes = await file.toBuffer();
        } catch {
          throw new ValidationError('file too large', t('collect.importTooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }));
        }
        const mapField = (file.fields.map as { value?: unknown } | undefined)?.value;
        let map: Record<string, string> = {};
        if (typeof mapField === 'string' && mapField.trim()) {
          const { parseMapOption } = await import('../../collect/importer/columns.ts');
          try {
            map = parseMapOption(mapField);
          } catch (err) {
            throw new ValidationError((err as Error).message);
          }
        }
        return importFile(ctx, actor, source, file.filename, bytes, map);
      },
    );
  });
};
