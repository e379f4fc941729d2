import type { FastifyInstance } from 'fastify';
import { markInvalidUtf8 } from '../collect/encoding/invalid-utf8.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON request bodies must be UTF-8 (RFC 8259). Fastify's own parser decodes leniently, so bad
 * bytes turned silently into U+FFFD. Here a body with invalid UTF-8 is a 400 saying so, except
 * on routes with `config.lenientUtf8` (the push API), which take the batch and refuse only the
 * records holding bad bytes (marked, see collect/encoding/invalid-utf8.ts).
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    let text: string;
    try {
      text = strict.decode(bytes);
    } catch {
      if (request.routeOptions.config?.lenientUtf8 !== true) {
        done(new AppError('request body is not valid UTF-8', 400, 'invalid_utf8', t('error.invalidUtf8')), undefined);
        return;
      }
      text = markInvalidUtf8(bytes);
    }
    parseJson(request, text, done);
  });
}
