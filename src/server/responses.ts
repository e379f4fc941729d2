import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';
import { createSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * What routes answer, for the OpenAPI document and the console's types (`api-types.ts`). Every
 * route under /api declares its success answers with zod; errors share `errorBody`, added to every
 * route by `declareErrorAnswers`. Files, pages and event streams are declared with their content type.
 */

/** The one error answer (AppError, validation, CSRF, throttling): a code, the zh-CN message, sometimes more. */
export const errorBody = z.object({
  error: z
    .object({
      code: z.string().describe('not_found, forbidden, validation, conflict, unauthenticated, csrf, throttled, internal, …'),
      message: z.string().describe('zh-CN, for people'),
      detail: z.string().optional().describe('English, for logs'),
      details: z.unknown().optional(),
    })
    .loose(),
});
export type ErrorBody = z.output<typeof errorBody>;

/** 204: nothing in the body (`reply.code(204).send()`); the document shows no content. */
export const noContent = z.undefined().describe('No content');

const binary = z.custom<Buffer | Uint8Array | string>().meta({ type: 'string', format: 'binary' });

/** A file download (docx, xlsx, pdf, a picture …): the body is the file's bytes. */
export function fileAnswer(description: string, ...mimes: string[]) {
  return { description, content: Object.fromEntries((mimes.length ? mimes : ['application/octet-stream']).map((m) => [m, { schema: binary }])) };
}

/** A text answer that is not JSON (YAML, an HTML page, a server-sent event stream). */
export function textAnswer(description: string, mime: string) {
  return { description, content: { [mime]: { schema: z.string() } } };
}

/** Every /api route answers 4xx and 5xx with `errorBody`, unless it names that status itself. */
export function declareErrorAnswers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || !route.schema || (route.schema as { hide?: boolean }).hide) return;
    const response = (route.schema.response ??= {}) as Record<string, unknown>;
    response['4xx'] ??= errorBody;
    response['5xx'] ??= errorBody;
  });
}

/** Keys of `sent` (with a value) that are missing from `written`: what the serializer stripped. */
export function droppedKeys(sent: unknown, written: unknown, path = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(written)) return sent.flatMap((v, i) => droppedKeys(v, written[i], `${path}[${i}]`));
  if (!sent || !written || typeof sent !== 'object' || typeof written !== 'object' || Array.isArray(sent) || Array.isArray(written)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(sent)) {
    if (value === undefined) continue;
    const at = path ? `${path}.${key}` : key;
    if (!(key in written)) out.push(at);
    else out.push(...droppedKeys(value, (written as Record<string, unknown>)[key], at));
  }
  return out;
}

/**
 * The zod serializer (an answer that does not match its schema is a 500). With `strict` (the test
 * suite) an answer that loses fields to the schema is an error too, so a field a store adds and the
 * schema forgets fails the tests instead of silently vanishing from the console.
 */
export function responseSerializerCompiler(strict: boolean): FastifySerializerCompiler<z.ZodType> {
  const base = createSerializerCompiler() as unknown as FastifySerializerCompiler<z.ZodType>;
  return (route) => {
    const serialize = base(route);
    if (!strict) return serialize;
    return (data: unknown) => {
      let json: string;
      try {
        json = serialize(data);
      } catch (err) {
        const cause = (err as { cause?: { issues?: unknown } }).cause;
        console.error(`response of ${route.method} ${route.url} (${route.httpStatus}) does not match its schema: ${JSON.stringify(cause?.issues ?? String(err))}`);
        throw err;
      }
      const lost = droppedKeys(JSON.parse(JSON.stringify(data) ?? 'null'), JSON.parse(json));
      if (lost.length) {
        const message = `response of ${route.method} ${route.url} (${route.httpStatus}) has fields its schema drops: ${lost.slice(0, 10).join(', ')}`;
        console.error(message);
        throw new Error(message);
      }
      return json;
    };
  };
}
