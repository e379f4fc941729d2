import { z } from 'zod';
import { dedupKey } from '../dedup.ts';
import { finerDate, type ParsedDate } from '../parser/dates.ts';
import { parseDetailPage, parseListPage, type ListEntry } from '../parser/html.ts';
import type { PublishedPrecision } from '../vocabulary.ts';
import { mergeSelectors, PRESETS, type DetailSelectors, type ListSelectors } from '../parser/presets.ts';
import { CollectError, type CollectedItem } from '../types.ts';
import { charsetWarnings, decode, fetchOptions, fetchPage, type FetchConfig } from './common.ts';
import type { CollectRun, SourceKind } from './types.ts';
import { t } from '../../i18n/index.ts';

const selector = z.string().min(1).max(500);
const listSchema = z
  .object({ item: selector, title: selector, link: selector, id: selector, author: selector, time: selector, replies: selector, views: selector, likes: selector, next: selector })
  .partial()
  .strict();
const detailSchema = z
  .object({
    title: selector,
    body: selector,
    author: selector,
    time: selector,
    views: selector,
    replies: selector,
    reply: selector,
    reply_id: selector,
    reply_author: selector,
    reply_body: selector,
    reply_time: selector,
    reply_skip_first: z.boolean(),
  })
  .partial()
  .strict();

const config = z
  .object({
    /** discuz: a Discuz! forum board; board: a government message board (message + official reply). */
    preset: z.enum(PRESETS as [string, ...string[]]).optional(),
    list: listSchema.optional(),
    detail: detailSchema.optional(),
    /** List pages to follow through the "next page" link. */
    max_pages: z.number().int().min(1).max(20).optional(),
    /** Fetch each new thread's page for its text and replies. */
    fetch_details: z.boolean().optional(),
    max_details: z.number().int().min(0).max(200).optional(),
    ...fetchOptions,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.preset && !(c.list?.item && c.list?.title && c.list?.link)) {
      ctx.addIssue({ code: 'custom', path: ['list'], message: 'without a preset, list.item, list.title and list.link selectors are required', params: { zh: t('collect.error.listSelectorsRequired') } });
    }
  });
type HtmlConfig = z.infer<typeof config>;

function selectorsOf(cfg: HtmlConfig) {
  return mergeSelectors(cfg.preset as 'discuz' | 'board' | undefined, cfg.list as Partial<ListSelectors>, cfg.detail as Partial<DetailSelectors>);
}

/** Fetches and decodes one page; a charset warning goes into `warnings` when given. */
async function page(run: CollectRun, cfg: FetchConfig, url: string, conditional: boolean, warnings?: string[]) {
  const res = await fetchPage(run, cfg, url, 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5', conditional);
  const decoded = res.notModified ? null : decode(res, cfg);
  warnings?.push(...charsetWarnings(decoded, res.url));
  return { res, decoded };
}

const at = (iso: string | null, precision: PublishedPrecision | null): ParsedDate | null => (iso ? { iso, precision: precision ?? 'second' } : null);

/** A list page plus detail pages, by CSS selectors, with presets for Discuz! and message boards. */
/** What people read about a failed page: the CollectError's zh-CN text. */
function userText(err: unknown): string {
  return err instanceof CollectError ? err.userMessage : t('collect.error.unexpected');
}

export const htmlKind: SourceKind<HtmlConfig> = {
  kind: 'html',
  config,
  needsUrl: true,
  pulled: true,
  async collect(run, cfg) {
    const sel = selectorsOf(cfg);
    if (!sel.list) throw new CollectError('no list selectors configured', null, 'config').say('collect.error.noListSelector');
    const warnings: string[] = [];
    const first = await page(run, cfg, run.source.url!, run.conditional, warnings);
    const base = { etag: first.res.etag, lastModified: first.res.lastModified };
    if (!first.decoded) return { items: [], notModified: true, ...base, charset: null, declaredCharset: null, warnings };
    const entries: ListEntry[] = [];
    let decoded = first.decoded;
    let url = first.res.url;
    const seen = new Set<string>([url]);
    for (let n = 0; n < (cfg.max_pages ?? 1); n++) {
      const parsed = parseListPage(decoded.text, url, sel.list, run.now);
      if (parsed.matched === 0) {
        if (n === 0) throw new CollectError(`list item selector "${sel.list.item}" matched nothing on ${url}`, null, 'parse').say('collect.error.listNothing', { selector: sel.list.item });
        warnings.push(t('collect.warning.listNothing', { url }));
        break;
      }
      if (parsed.items.length === 0 && n === 0) throw new CollectError(`title/link selectors ("${sel.list.title}", "${sel.list.link}") matched nothing in ${parsed.matched} list items on ${url}`, null, 'parse').say('collect.error.titleNothing');
      entries.push(...parsed.items);
      if (!parsed.next || seen.has(parsed.next) || n + 1 >= (cfg.max_pages ?? 1)) break;
      seen.add(parsed.next);
      try {
        const next = await page(run, cfg, parsed.next, false, warnings);
        if (!next.decoded) break;
        decoded = next.decoded;
        url = next.res.url;
      } catch (err) {
        warnings.push(t('collect.warning.nextPage', { url: parsed.next, reason: userText(err) }));
        break;
      }
    }
    const unique = new Map<string, ListEntry>();
    for (const e of entries) unique.set(dedupKey({ ...e, text: '' }), e);
    const items: CollectedItem[] = [];
    const wantDetails = sel.detail && cfg.fetch_details !== false;
    const known = wantDetails && run.known ? await run.known([...unique.keys()]) : new Map<string, number>();
    let budget = cfg.max_details ?? 20;
    for (const [key, e] of unique) {
      const item: CollectedItem = { externalId: e.externalId, url: e.url, title: e.title, text: '', contentHtml: null, author: e.author, publishedAt: e.publishedAt, publishedPrecision: e.publishedPrecision, metrics: e.metrics };
      const storedReplies = known.get(key);
      const needDetail = wantDetails && e.url && (storedReplies === undefined || (e.metrics.replies ?? 0) > storedReplies);
      if (!needDetail) {
        if (wantDetails && storedReplies === undefined) continue; // over budget: next run
        items.push(item);
        continue;
      }
      if (budget <= 0) {
        if (storedReplies !== undefined || run.preview) items.push(item);
        continue;
      }
      budget--;
      try {
        const d = await page(run, cfg, e.url!, false, warnings);
        const detail = parseDetailPage(d.decoded!.text, d.res.url, sel.detail!, run.now);
        if (!detail.text && !detail.replies.length) {
          warnings.push(t('collect.warning.bodyNothing', { url: e.url! }));
        }
        item.text = detail.text;
        item.contentHtml = detail.contentHtml;
        item.author = e.author ?? detail.author;
        // The thread page's own time wins over the list's (often a date alone, which would stamp every thread 00:00), unless the list is finer.
        const published = finerDate(at(detail.publishedAt, detail.publishedPrecision), at(e.publishedAt, e.publishedPrecision));
        item.publishedAt = published?.iso ?? null;
        item.publishedPrecision = published?.precision ?? null;
        item.replies = detail.replies;
        item.metrics = { ...detail.metrics, ...e.metrics };
        items.push(item);
      } catch (err) {
        // Left out so that the next run tries the page again.
        warnings.push(t('collect.warning.detail', { url: e.url!, reason: userText(err) }));
      }
    }
    return { items, notModified: false, ...base, charset: first.decoded.charset, declaredCharset: first.decoded.declared, warnings };
  },
  async fetchThread(run, cfg, url) {
    const sel = selectorsOf(cfg);
    if (!sel.detail) throw new CollectError('no detail selectors configured; replies cannot be followed', null, 'config').say('collect.error.noDetailSelector');
    const d = await page(run, cfg, url, false);
    const detail = parseDetailPage(d.decoded!.text, d.res.url, sel.detail, run.now);
    return { replies: detail.replies, metrics: detail.metrics };
  },
};
