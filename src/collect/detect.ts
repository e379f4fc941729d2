import { load } from 'cheerio';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import { fetcherFor } from './collector.ts';
import { decodeBody } from './encoding/charset.ts';
import type { Fetcher } from './fetcher/fetch.ts';
import { parseListPage } from './parser/html.ts';
import { PRESETS, presetSelectors, type ListSelectors, type PresetName } from './parser/presets.ts';
import { previewSchema, previewSource, type Preview } from './preview.ts';
import { matchRsshubUrl } from './rsshub.ts';

/**
 * The source wizard's first step: a pasted URL is fetched once and recognised as a feed (RSS,
 * Atom, RDF, JSON Feed), an RSSHub route, a Discuz! board, a government message board or a
 * JSON API (its item list and fields guessed), then previewed exactly as the source would
 * collect it, with the charset it was decoded in. Nothing is stored.
 */
export const DETECTED_AS = ['feed', 'rsshub', 'discuz', 'board', 'json', 'jsonfeed'] as const;
export type DetectedAs = (typeof DETECTED_AS)[number];

export interface Detection {
  kind: 'feed' | 'html' | 'json';
  detected: DetectedAs;
  /** The URL the source would fetch (a feed announced by a page replaces the page). */
  url: string;
  config: Record<string, unknown>;
  /** A name to start from: the page's or the feed's title. */
  name: string | null;
  rsshub_route: string | null;
  preview: Preview;
}

const FEED_TYPES = /(rss|atom|rdf|xml)/i;

function looksLikeFeed(text: string): boolean {
  const head = text.trimStart().slice(0, 2000);
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(rss|feed|rdf:RDF)\b/i.test(head);
}

function feedTitle(text: string): string | null {
  const m = /<title[^>]*>(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?<\/title>/i.exec(text);
  return m ? m[1]!.trim() || null : null;
}

const NAMES: Record<string, string[]> = {
  id: ['id', 'tid', 'mid', 'guid', 'uuid', 'msg_id', 'post_id'],
  title: ['title', 'subject', 'headline', 'name', 'topic'],
  text: ['content', 'text', 'body', 'summary', 'desc', 'description', 'message', 'abstract'],
  author: ['author', 'nick', 'nickname', 'username', 'user_name', 'screen_name', 'poster'],
  published_at: ['published_at', 'pubdate', 'pub_date', 'publish_time', 'created_at', 'create_time', 'ctime', 'time', 'date', 'dateline', 'timestamp'],
  url: ['url', 'link', 'href', 'permalink', 'share_url'],
  views: ['views', 'view', 'view_count', 'read_count', 'reads', 'clicks', 'pv'],
  replies: ['replies', 'reply', 'reply_count', 'comments', 'comment_count', 'comments_count'],
  likes: ['likes', 'like', 'like_count', 'digg_count', 'attitudes_count', 'upvotes'],
  reposts: ['reposts', 'repost', 'reposts_count', 'share_count', 'shares', 'forward_count'],
};

/** The largest array of objects within three levels of the answer, as a path (`data.list`). */
function itemsPath(root: unknown): { path: string; items: Record<string, unknown>[] } | null {
  let best: { path: string; items: Record<string, unknown>[] } | null = null;
  const walk = (v: unknown, path: string[], depth: number) => {
    if (Array.isArray(v)) {
      const objects = v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
      if (objects.length && objects.length >= v.length / 2 && (!best || objects.length > best.items.length)) best = { path: path.join('.') || '$', items: objects };
      return;
    }
    if (v && typeof v === 'object' && depth < 3) for (const [k, x] of Object.entries(v)) walk(x, [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return best;
}

/** Field paths of an item guessed from its key names (nested one level: `user.nick`, `stat.view`). */
function guessFields(item: Record<string, unknown>): Record<string, string> {
  const paths: [string, unknown][] = [];
  for (const [k, v] of Object.entries(item)) {
    paths.push([k, v]);
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) paths.push([`${k}.${k2}`, v2]);
  }
  const fields: Record<string, string> = {};
  for (const [field, names] of Object.entries(NAMES)) {
    for (const name of names) {
      const hit = paths.find(([p, v]) => p.split('.').pop()!.toLowerCase() === name && v !== null && typeof v !== 'object');
      if (hit) {
        fields[field] = hit[0];
        break;
      }
    }
  }
  if (fields.text && fields.text === fields.title) delete fields.text;
  return fields;
}

/** Which HTML preset lists most entries on the page (Discuz! first on a tie: it names itself). */
function bestPreset(html: string, url: string): { preset: PresetName; entries: number } | null {
  let best: { preset: PresetName; entries: number } | null = null;
  for (const preset of PRESETS) {
    const list = presetSelectors(preset).list as ListSelectors;
    const entries = parseListPage(html, url, list).items.filter((e) => e.title && e.url).length;
    if (entries > 0 && (!best || entries > best.entries)) best = { preset, entries };
  }
  return best;
}

function unrecognised(url: string): never {
  throw new ValidationError(`no source kind recognised at ${url}`, t('form.detect.unknown'), { fields: [{ path: ['url'], message: t('form.detect.unknown') }] });
}

async function guess(fetcher: Fetcher, url: string, rsshubBase: string | null, hops = 0): Promise<Omit<Detection, 'preview'>> {
  const res = await fetcher.fetch(url, { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json, text/html;q=0.9, */*;q=0.8' });
  const decoded = decodeBody(res.bytes, res.contentType);
  const text = decoded.text;
  const type = res.contentType ?? '';
  const route = matchRsshubUrl(rsshubBase, res.url);
  const trimmed = text.trimStart();
  if (/json/i.test(type) || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      unrecognised(url);
    }
    const o = json as { version?: unknown; title?: unknown; items?: unknown };
    if (typeof o?.version === 'string' && o.version.includes('jsonfeed.org')) {
      return { kind: 'feed', detected: route ? 'rsshub' : 'jsonfeed', url: res.url, config: {}, name: typeof o.title === 'string' ? o.title : null, rsshub_route: route?.route.id ?? null };
    }
    const found = itemsPath(json);
    if (!found) unrecognised(url);
    const fields = guessFields(found.items[0]!);
    if (!fields.title && !fields.text) unrecognised(url);
    return { kind: 'json', detected: 'json', url: res.url, config: { items: found.path, fields }, name: null, rsshub_route: null };
  }
  if (looksLikeFeed(text) || (FEED_TYPES.test(type) && !/html/i.test(type))) {
    const rsshub = route ?? null;
    const generatedByRsshub = /<generator>\s*RSSHub/i.test(text.slice(0, 5000));
    return { kind: 'feed', detected: rsshub || generatedByRsshub ? 'rsshub' : 'feed', url: res.url, config: {}, name: feedTitle(text), rsshub_route: rsshub?.route.id ?? null };
  }
  const $ = load(text);
  const title = $('title').first().text().trim() || null;
  const generator = $('meta[name="generator"]').attr('content') ?? '';
  const preset = bestPreset(text, res.url);
  if (preset && (preset.preset === 'discuz' || !/discuz/i.test(generator))) {
    return { kind: 'html', detected: preset.preset, url: res.url, config: { preset: preset.preset }, name: title, rsshub_route: null };
  }
  const alternate = $('link[rel="alternate"][type*="rss"], link[rel="alternate"][type*="atom"], link[rel="alternate"][type*="feed+json"]').first().attr('href');
  if (alternate && hops === 0) return guess(fetcher, new URL(alternate, res.url).toString(), rsshubBase, 1);
  unrecognised(url);
}

/** Recognises what `url` is and previews what a source made of it would collect. */
export async function detectSource(ctx: AppContext, url: string, rsshubBase: string | null, fetcher?: Fetcher): Promise<Detection> {
  const f = fetcher ?? fetcherFor(ctx);
  try {
    const found = await guess(f, url, rsshubBase);
    const preview = await previewSource(ctx, { url: found.url, kind: found.kind, config: found.config }, f);
    return { ...found, preview };
  } finally {
    if (!fetcher) await f.close();
  }
}

export const detectionSchema = shapeOf<Detection>()({
  kind: z.enum(['feed', 'html', 'json']),
  detected: z.enum(DETECTED_AS).describe('feed, rsshub (an RSSHub route), discuz (a Discuz! board), board (a message board), json (an API), jsonfeed'),
  url: z.string(),
  config: z.record(z.string(), z.unknown()),
  name: z.string().nullable(),
  rsshub_route: z.string().nullable().describe('the catalogue route the URL is, when it is one'),
  preview: previewSchema,
});
