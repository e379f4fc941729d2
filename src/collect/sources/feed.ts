import { z } from 'zod';
import { parseFeedText } from '../parser/feed.ts';
import { charsetWarnings, decode, fetchOptions, fetchPage } from './common.ts';
import type { SourceKind } from './types.ts';

const config = z.object({ ...fetchOptions }).strict();
type FeedConfig = z.infer<typeof config>;

/** RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0, JSON Feed; also RSSHub routes. */
export const feedKind: SourceKind<FeedConfig> = {
  kind: 'feed',
  config,
  needsUrl: true,
  pulled: true,
  async collect(run, cfg) {
    const res = await fetchPage(run, cfg, run.source.url!, 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5', run.conditional);
    if (res.notModified) return { items: [], notModified: true, etag: res.etag, lastModified: res.lastModified, charset: null, declaredCharset: null, warnings: [] };
    const d = decode(res, cfg);
    const feed = parseFeedText(d.text, res.url, run.now);
    return { items: feed.items, notModified: false, etag: res.etag, lastModified: res.lastModified, charset: d.charset, declaredCharset: d.declared, warnings: charsetWarnings(d, res.url) };
  },
};
