import { createHash } from 'node:crypto';
import type { CollectedItem } from './types.ts';

const TRACKING = /^(utm_[a-z]+|spm|from|share_token|share_source|sharer_shareid|sharer_sharetime|timestamp|_t|wfr|isappinstalled|scene|clicktime|enterid)$/i;

/** The URL without fragment, tracking parameters or default port, so that re-shares dedupe. */
export function canonicalUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    u.hostname = u.hostname.toLowerCase();
    for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
    return u.toString();
  } catch {
    return url.trim();
  }
}

/** (source, external id or canonical URL) identifies a post; content is the last resort. */
export function dedupKey(item: Pick<CollectedItem, 'externalId' | 'url' | 'title' | 'text' | 'publishedAt' | 'author'>): string {
  if (item.externalId) return `id:${item.externalId.slice(0, 400)}`;
  if (item.url) return `url:${canonicalUrl(item.url).slice(0, 400)}`;
  const h = createHash('sha1').update([item.title, item.text, item.publishedAt ?? '', item.author ?? ''].join('\u0001')).digest('hex');
  return `hash:${h}`;
}

/** Text as compared for near-duplicates: full-width folded, lower case, no spaces or punctuation. */
export function normaliseForSimilarity(title: string, text: string): string {
  return `${title}\n${text}`.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}
