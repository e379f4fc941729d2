import * as cheerio from 'cheerio';
import type { AnyNode } from 'domhandler';
import { htmlToText, sanitizeContent } from '../sanitize.ts';
import type { CollectedReply, Metrics } from '../types.ts';
import type { PublishedPrecision } from '../vocabulary.ts';
import { parseDate, parseDateDetail } from './dates.ts';
import type { DetailSelectors, ListSelectors } from './presets.ts';

export interface ListEntry {
  externalId: string | null;
  url: string | null;
  title: string;
  author: string | null;
  publishedAt: string | null;
  publishedPrecision: PublishedPrecision | null;
  metrics: Metrics;
}

export interface DetailPage {
  title: string | null;
  text: string;
  contentHtml: string | null;
  author: string | null;
  publishedAt: string | null;
  publishedPrecision: PublishedPrecision | null;
  metrics: Metrics;
  replies: CollectedReply[];
}

type Root = cheerio.CheerioAPI;
type Sel = cheerio.Cheerio<AnyNode>;

/** Reads one value by a selector spec (`sel`, `sel@attr`, `@attr`, with `||` fallbacks). */
export function pick($: Root, scope: Sel, spec: string | undefined, opts: { html?: boolean } = {}): string | null {
  if (!spec) return null;
  for (const alt of spec.split('||').map((s) => s.trim()).filter(Boolean)) {
    const at = alt.lastIndexOf('@');
    const selector = at >= 0 && !alt.slice(at).includes(']') ? alt.slice(0, at).trim() : alt;
    const attr = at >= 0 && !alt.slice(at).includes(']') ? alt.slice(at + 1).trim() : null;
    const el = selector ? scope.find(selector).first() : scope.first();
    if (!el.length) continue;
    if (attr) {
      const v = el.attr(attr);
      if (v !== undefined && v.trim() !== '') return v.trim();
      if (!selector) continue;
    }
    const v = opts.html ? (el.html() ?? '') : el.text().replace(/\s+/g, ' ').trim();
    if (v !== '') return v;
  }
  return null;
}

/** Elements matched by the first alternative of `spec` that matches anything. */
export function pickAll($: Root, scope: Sel, spec: string): Sel {
  for (const alt of spec.split('||').map((s) => s.trim()).filter(Boolean)) {
    const found = scope.find(alt);
    if (found.length) return found;
  }
  return $([] as AnyNode[]);
}

function count(v: string | null): number | undefined {
  if (!v) return undefined;
  const m = /(\d+(?:\.\d+)?)\s*(万|千|k|w)?/i.exec(v.replace(/,/g, ''));
  if (!m) return undefined;
  const mult = { 万: 10000, w: 10000, W: 10000, 千: 1000, k: 1000, K: 1000 }[m[2] ?? ''] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

function absolute(href: string | null, base: string): string | null {
  if (!href || /^javascript:/i.test(href)) return null;
  try {
    return new URL(href, base).toString();
  } catch {
    return null;
  }
}

function idOf(v: string | null): string | null {
  if (!v) return null;
  const digits = /(\d+)\D*$/.exec(v);
  return digits ? digits[1] : v;
}

export function parseListPage(html: string, pageUrl: string, sel: ListSelectors, now = new Date()): { items: ListEntry[]; next: string | null; matched: number } {
  const $ = cheerio.load(html);
  const root = $.root();
  const rows = pickAll($, root, sel.item);
  const items: ListEntry[] = [];
  rows.each((_, node) => {
    const row = $(node);
    const title = pick($, row, sel.title);
    const url = absolute(pick($, row, sel.link), pageUrl);
    if (!title || !url) return;
    const metrics: Metrics = {};
    const r = count(pick($, row, sel.replies));
    const v = count(pick($, row, sel.views));
    const l = count(pick($, row, sel.likes));
    if (r !== undefined) metrics.replies = r;
    if (v !== undefined) metrics.views = v;
    if (l !== undefined) metrics.likes = l;
    const published = parseDateDetail(pick($, row, sel.time), now);
    items.push({
      externalId: idOf(pick($, row, sel.id)),
      url,
      title,
      author: pick($, row, sel.author),
      publishedAt: published?.iso ?? null,
      publishedPrecision: published?.precision ?? null,
      metrics,
    });
  });
  return { items, next: absolute(pick($, root, sel.next), pageUrl), matched: rows.length };
}

export function parseDetailPage(html: string, pageUrl: string, sel: DetailSelectors, now = new Date()): DetailPage {
  const $ = cheerio.load(html);
  const root = $.root();
  const bodyHtml = pick($, root, sel.body, { html: true });
  const contentHtml = bodyHtml ? sanitizeContent(bodyHtml, pageUrl) : null;
  const replies: CollectedReply[] = [];
  if (sel.reply) {
    const nodes = pickAll($, root, sel.reply).toArray();
    nodes.forEach((node, i) => {
      if (sel.reply_skip_first && i === 0) return;
      const el = $(node);
      const rawBody = sel.reply_body ? pick($, el, sel.reply_body, { html: true }) : el.html();
      const text = rawBody ? htmlToText(sanitizeContent(rawBody)) : '';
      if (!text) return;
      const time = pick($, el, sel.reply_time);
      const author = pick($, el, sel.reply_author);
      const id = idOf(pick($, el, sel.reply_id)) ?? `${i}:${author ?? ''}:${time ?? ''}`;
      replies.push({ externalId: id, author, text, publishedAt: parseDate(time, now) });
    });
  }
  const metrics: Metrics = {};
  const v = count(pick($, root, sel.views));
  if (v !== undefined) metrics.views = v;
  const r = count(pick($, root, sel.replies));
  if (r !== undefined) metrics.replies = r;
  const published = parseDateDetail(pick($, root, sel.time), now);
  return {
    title: pick($, root, sel.title) ?? ($('title').first().text().trim() || null),
    text: contentHtml ? htmlToText(contentHtml) : '',
    contentHtml,
    author: pick($, root, sel.author),
    publishedAt: published?.iso ?? null,
    publishedPrecision: published?.precision ?? null,
    metrics,
    replies,
  };
}
