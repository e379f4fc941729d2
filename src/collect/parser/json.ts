import { htmlToText, plainText, sanitizeContent } from '../sanitize.ts';
import { CollectError, type CollectedItem, type Metrics } from '../types.ts';
import { parseDateDetail } from './dates.ts';

/**
 * JSON APIs with a field mapping. Paths are dotted with optional indexes and an optional `$.`
 * prefix: `data.list`, `$.result[0].items`, `author.name`.
 */
export interface JsonMapping {
  /** Path to the array of items; empty or `$` for a top-level array. */
  items: string;
  fields: {
    id?: string;
    title?: string;
    text?: string;
    /** A field holding HTML rather than plain text. */
    html?: string;
    author?: string;
    published_at?: string;
    url?: string;
    views?: string;
    replies?: string;
    likes?: string;
    reposts?: string;
  };
  /** The API's own result code (e.g. `code`) and the value that means success (e.g. 0). */
  ok_path?: string;
  ok_value?: string | number | boolean;
  /** Where the API puts its error message (e.g. `msg`). */
  message_path?: string;
}

export function getPath(obj: unknown, path: string | undefined): unknown {
  if (!path || path === '$') return obj;
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = obj;
  for (const p of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (p.startsWith('[')) cur = (cur as unknown[])[Number(p.slice(1, -1))];
    else cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function metric(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

export function parseJsonItems(body: string, mapping: JsonMapping, baseUrl: string, now = new Date()): CollectedItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new CollectError(`the API did not return JSON: ${(err as Error).message}`, null, 'parse').say('collect.error.notJson');
  }
  if (mapping.ok_path) {
    const code = getPath(doc, mapping.ok_path);
    if (String(code) !== String(mapping.ok_value ?? 0)) {
      const msg = text(getPath(doc, mapping.message_path ?? 'msg')) ?? text(getPath(doc, 'message')) ?? '';
      throw new CollectError(`the API returned an error: ${mapping.ok_path}=${JSON.stringify(code)}${msg ? ` (${msg})` : ''}`, null, 'parse').say('collect.error.apiError', { code: JSON.stringify(code), msg: msg || '—' });
    }
  }
  const list = getPath(doc, mapping.items);
  if (!Array.isArray(list)) {
    const hint = doc && typeof doc === 'object' && !Array.isArray(doc) ? ` (top-level keys: ${Object.keys(doc).slice(0, 8).join(', ')})` : '';
    throw new CollectError(`no array of items at "${mapping.items || '$'}"${hint}`, null, 'parse').say('collect.error.noItems', { path: mapping.items || '$' });
  }
  const f = mapping.fields;
  return list.map((raw) => {
    const html = text(getPath(raw, f.html));
    let url = text(getPath(raw, f.url));
    if (url) {
      try {
        url = new URL(url, baseUrl).toString();
      } catch {
        url = null;
      }
    }
    const contentHtml = html ? sanitizeContent(html, url ?? baseUrl) : null;
    const rawText = text(getPath(raw, f.text));
    const body = rawText !== null ? plainText(rawText) : contentHtml ? htmlToText(contentHtml) : '';
    const metrics: Metrics = {};
    for (const k of ['views', 'replies', 'likes', 'reposts'] as const) {
      const m = metric(getPath(raw, f[k]));
      if (m !== undefined) metrics[k] = m;
    }
    const when = getPath(raw, f.published_at);
    const published = typeof when === 'number' ? parseDateDetail(when, now) : parseDateDetail(text(when), now);
    return {
      externalId: text(getPath(raw, f.id)),
      url,
      title: plainText(text(getPath(raw, f.title)) ?? '') || body.slice(0, 60),
      text: body,
      contentHtml,
      author: text(getPath(raw, f.author)),
      publishedAt: published?.iso ?? null,
      publishedPrecision: published?.precision ?? null,
      metrics,
    };
  });
}
