import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { pathsWithInvalidUtf8 } from './encoding/invalid-utf8.ts';
import { hashToken, publicSource } from './manage.ts';
import { parseDate, parseDateDetail } from './parser/dates.ts';
import { ingestPosts } from '../pipeline/index.ts';
import { htmlToText, plainText, sanitizeContent } from './sanitize.ts';
import type { CollectedItem } from './types.ts';
import { shapeOf } from '../shapes.ts';

export const PUSH_TOKEN_HEADER = 'x-minsheng-token';
export const MAX_PUSH_BATCH = 1000;

const count = z.number().int().min(0);
export const ingestPost = z.object({
  id: z.union([z.string().min(1).max(400), z.number()]).optional().describe('the post id in the pushing system (dedup key)'),
  url: z.string().url().max(2000).optional(),
  title: z.string().max(1000).optional(),
  text: z.string().max(500_000).optional(),
  html: z.string().max(2_000_000).optional().describe('HTML body; sanitised before it is stored'),
  author: z.string().max(200).optional(),
  published_at: z.union([z.string().max(60), z.number()]).optional().describe('ISO-8601, epoch seconds/ms, or 2024-05-01 10:00 (Beijing time)'),
  metrics: z.object({ views: count, replies: count, likes: count, reposts: count }).partial().optional(),
  replies: z
    .array(z.object({ id: z.union([z.string().min(1).max(300), z.number()]), author: z.string().max(200).optional(), text: z.string().min(1).max(100_000), published_at: z.union([z.string().max(60), z.number()]).optional() }))
    .max(1000)
    .optional(),
});
export const ingestBody = z.object({ posts: z.array(ingestPost).min(1).max(MAX_PUSH_BATCH) });
export type IngestBody = z.infer<typeof ingestBody>;

export interface IngestResult {
  source: string;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Posts refused, by their index in the batch; `field` and a zh-CN `user_message` where a field is to blame. */
  errors: { index: number; message: string; field?: string; user_message?: string }[];
}

export const ingestResultSchema = shapeOf<IngestResult>()({
  source: z.string(),
  received: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(z.object({ index: z.number(), message: z.string(), field: z.string().optional(), user_message: z.string().optional().describe('zh-CN') })).describe('posts refused, by their index in the batch'),
});

/** Finds the push source whose token this is. */
export async function sourceForToken(ctx: AppContext, token: string | undefined) {
  const bad = () => new AppError('missing or unknown push token', 401, 'unauthenticated', t('collect.badToken'));
  if (!token?.trim()) throw bad();
  const source = await ctx.db.kysely.selectFrom('sources').selectAll().where('push_token_hash', '=', hashToken(token.trim())).executeTakeFirst();
  if (!source || source.kind !== 'push') throw bad();
  if (source.paused) throw new AppError(`source ${source.name} is paused`, 403, 'forbidden', t('collect.pushPaused', { name: source.name }));
  return source;
}

/** A batch pushed by another system: each post validated on its own, good ones stored, bad ones reported by index. */
export async function ingestBatch(ctx: AppContext, token: string | undefined, body: IngestBody): Promise<IngestResult> {
  const source = await sourceForToken(ctx, token);
  const now = new Date();
  const items: CollectedItem[] = [];
  const errors: IngestResult['errors'] = [];
  body.posts.forEach((p, index) => {
    const bad = pathsWithInvalidUtf8(p);
    if (bad.length) {
      const fields = bad.join(', ');
      return errors.push({
        index,
        field: bad[0],
        message: `${fields}: invalid UTF-8 bytes; the post was not stored (send it again as UTF-8)`,
        user_message: t('collect.pushInvalidUtf8', { index, fields }),
      });
    }
    const published = p.published_at === undefined ? null : parseDateDetail(p.published_at, now);
    const publishedAt = published?.iso ?? null;
    if (p.published_at !== undefined && !publishedAt) return errors.push({ index, message: `published_at: cannot read "${p.published_at}"` });
    const contentHtml = p.html ? sanitizeContent(p.html, p.url) : null;
    const text = p.text !== undefined ? plainText(p.text) : contentHtml ? htmlToText(contentHtml) : '';
    if (!text.trim() && !p.title?.trim()) return errors.push({ index, message: 'title or text is required' });
    const replies = [];
    for (const r of p.replies ?? []) {
      const at = r.published_at === undefined ? null : parseDate(r.published_at, now);
      replies.push({ externalId: String(r.id), author: r.author ?? null, text: plainText(r.text), publishedAt: at });
    }
    items.push({ externalId: p.id === undefined ? null : String(p.id), url: p.url ?? null, title: plainText(p.title ?? '') || text.slice(0, 60), text, contentHtml, author: p.author ?? null, publishedAt, publishedPrecision: published?.precision ?? null, metrics: p.metrics ?? {}, replies });
  });
  const badBytes = errors.filter((e) => e.field);
  if (badBytes.length) ctx.log.warn({ source: source.name, posts: badBytes.map((e) => e.index) }, 'push: posts with invalid UTF-8 refused');
  const stored = await ingestPosts(ctx, source, items, {
    now,
    onStored: async (s) => {
      await ctx.db.kysely.updateTable('sources').set({ last_success_at: now.toISOString() }).where('id', '=', source.id).execute();
      await recordAudit(ctx.db.kysely, { id: null, name: `push:${source.name}`, role: 'office', departmentId: null, via: 'api' }, {
        action: 'posts.ingest',
        entity: 'source',
        entityId: source.id,
        after: { source: publicSource(source).name, received: body.posts.length, created: s.created.length, updated: s.updated, rejected: errors.length },
      });
    },
  });
  return { source: source.name, received: body.posts.length, created: stored.created.length, updated: stored.updated, unchanged: stored.unchanged, errors };
}
