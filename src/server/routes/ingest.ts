import { ingestBatch, ingestBody, ingestResultSchema, PUSH_TOKEN_HEADER } from '../../collect/ingest.ts';
import { typed, type RouteModule } from './types.ts';

/** The push endpoint for other systems: a batch of posts, authenticated by the source's token. */
export const ingestRoutes: RouteModule = (app, ctx) => {
  typed(app).post(
    '/api/ingest',
    {
      // Bad bytes refuse only the posts holding them (named in `errors`), not the whole batch.
      config: { csrf: false, lenientUtf8: true },
      schema: {
        tags: ['sources'],
        summary: `Push a batch of posts to a push source (token in the ${PUSH_TOKEN_HEADER} header, or Authorization: Bearer)`,
        body: ingestBody,
        response: { 200: ingestResultSchema },
      },
    },
    async (request) => {
      const header = request.headers[PUSH_TOKEN_HEADER];
      const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const token = (Array.isArray(header) ? header[0] : header) ?? bearer;
      return ingestBatch(ctx, token, request.body);
    },
  );
};
