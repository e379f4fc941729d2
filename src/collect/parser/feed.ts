import { parseFeed } from 'feedsmith';
import { htmlToText, sanitizeContent } from '../sanitize.ts';
import { CollectError, type CollectedItem } from '../types.ts';
import { stripXmlEncoding } from '../encoding/charset.ts';
import { parseDateDetail } from './dates.ts';

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  items: CollectedItem[];
}

type Any = any;

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return str((v as { value: unknown }).value);
  return String(v);
}

function firstAuthor(list: Any): string | null {
  if (!Array.isArray(list) || !list.length) return null;
  const a = list[0];
  return typeof a === 'string' ? a : (a?.name ?? a?.email ?? null);
}

/**
 * RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed into normalised items. The text is
 * already decoded (see encoding/charset.ts); feedsmith does the parsing.
 */
export function parseFeedText(text: string, baseUrl: string | null = null, now = new Date()): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let input: string | object = stripXmlEncoding(trimmed);
  if (trimmed.startsWith('{')) {
    try {
      input = JSON.parse(trimmed);
    } catch (err) {
      throw new CollectError(`malformed JSON feed: ${(err as Error).message}`, null, 'parse').say('collect.error.badJsonFeed');
    }
  }
  let parsed: { format: string; feed: Any };
  try {
    parsed = parseFeed(input as string) as { format: string; feed: Any };
  } catch (err) {
    const msg = (err as Error).message;
    throw new CollectError(/unrecognized/i.test(msg) ? 'not a feed: no RSS, Atom, RDF or JSON Feed document found' : `malformed feed: ${msg}`, null, 'parse').say(/unrecognized/i.test(msg) ? 'collect.error.notFeed' : 'collect.error.badFeed');
  }
  const f = parsed.feed;
  const base = baseUrl ?? str(f.link) ?? null;
  const items: CollectedItem[] = [];
  if (parsed.format === 'atom') {
    for (const e of f.entries ?? []) {
      const link = (e.links ?? []).find((l: Any) => !l.rel || l.rel === 'alternate')?.href ?? e.links?.[0]?.href ?? null;
      const html = str(e.content) ?? str(e.summary) ?? '';
      items.push(item(base, { id: str(e.id), link, title: str(e.title), html, author: firstAuthor(e.authors), date: e.published ?? e.updated ?? null, now }));
    }
  } else if (parsed.format === 'json') {
    for (const e of f.items ?? []) {
      const html = e.content_html ?? (e.content_text ? escapeHtml(e.content_text) : (e.summary ?? ''));
      items.push(item(base, { id: str(e.id), link: e.url ?? e.external_url ?? null, title: e.title ?? null, html, author: firstAuthor(e.authors) ?? e.author?.name ?? null, date: e.date_published ?? e.date_modified ?? null, now }));
    }
  } else {
    for (const e of f.items ?? []) {
      const html = e.content?.encoded ?? e.description ?? '';
      const id = str(e.guid) ?? e.rdf?.about ?? null;
      const author = firstAuthor(e.authors) ?? e.dc?.creators?.[0] ?? e.dc?.creator ?? null;
      const date = e.pubDate ?? e.dc?.dates?.[0] ?? e.dc?.date ?? null;
      items.push(item(base, { id, link: e.link ?? (isUrl(id) ? id : null), title: e.title ?? null, html, author, date, now, comments: e.slash?.comments }));
    }
  }
  return { format: parsed.format as FeedFormat, title: str(f.title), items };
}

function isUrl(v: string | null): v is string {
  return !!v && /^https?:\/\//i.test(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

function item(base: string | null, e: { id: string | null; link: string | null; title: string | null; html: string; author: string | null; date: string | null; now: Date; comments?: number }): CollectedItem {
  let url: string | null = null;
  if (e.link) {
    try {
      url = new URL(e.link.trim(), base ?? undefined).toString();
    } catch {
      url = null;
    }
  }
  const contentHtml = e.html ? sanitizeContent(e.html, url ?? base) : null;
  const text = contentHtml ? htmlToText(contentHtml) : '';
  const title = htmlToText(e.title ?? '') || text.slice(0, 60);
  const published = parseDateDetail(e.date, e.now);
  return {
    externalId: e.id?.trim() || null,
    url,
    title,
    text,
    contentHtml,
    author: e.author ? htmlToText(e.author) : null,
    publishedAt: published?.iso ?? null,
    publishedPrecision: published?.precision ?? null,
    metrics: e.comments ? { replies: Number(e.comments) || 0 } : {},
  };
}
