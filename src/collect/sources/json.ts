import { z } from 'zod';
import { parseJsonItems } from '../parser/json.ts';
import { charsetWarnings, decode, fetchOptions, fetchPage } from './common.ts';
import type { SourceKind } from './types.ts';
import { t } from '../../i18n/index.ts';

const path = z.string().max(300);
const config = z
  .object({
    items: path,
    fields: z
      .object({ id: path, title: path, text: path, html: path, author: path, published_at: path, url: path, views: path, replies: path, likes: path, reposts: path })
      .partial()
      .strict()
      .refine((f) => f.title || f.text || f.html, { message: 'map at least one of title, text or html', params: { zh: t('form.issue.jsonFields') } }),
    ok_path: path.optional(),
    ok_value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    message_path: path.optional(),
    ...fetchOptions,
  })
  .strict();
type JsonConfig = z.infer<typeof config>;

/** An HTTP JSON API with a field mapping (JSON paths for id, title, text, author, time, url, metrics). */
export const jsonKind: SourceKind<JsonConfig> = {
  kind: 'json',
  config,
  needsUrl: true,
  pulled: true,
  async collect(run, cfg) {
    const res = await fetchPage(run, cfg, run.source.url!, 'application/json', run.conditional);
    if (res.notModified) return { items: [], notModified: true, etag: res.etag, lastModified: res.lastModified, charset: null, declaredCharset: null, warnings: [] };
    const d = decode(res, cfg);
    const items = parseJsonItems(d.text, cfg, res.url, run.now);
    return { items, notModified: false, etag: res.etag, lastModified: res.lastModified, charset: d.charset, declaredCharset: d.declared, warnings: charsetWarnings(d, res.url) };
  },
};
