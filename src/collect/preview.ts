import type { AppContext } from '../context.ts';
import { nowIso } from '../db/values.ts';
import { fetcherFor, runKind } from './collector.ts';
import type { Fetcher } from './fetcher/fetch.ts';
import { validateSource } from './manage.ts';
import type { SourceRow } from './types.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

export interface PreviewInput {
  url: string;
  /** feed (default) or html/json; html defaults to when a preset is given. */
  kind?: 'feed' | 'html' | 'json';
  preset?: 'discuz' | 'board';
  config?: Record<string, unknown>;
}

export interface Preview {
  kind: string;
  charset: string | null;
  declaredCharset: string | null;
  items: { title: string; published_at: string | null; author: string | null; url: string | null; text: string; replies: number }[];
  warnings: string[];
}

/** Fetches a URL once and shows what a source would collect, storing nothing (`source test`). */
export async function previewSource(ctx: AppContext, input: PreviewInput, fetcher?: Fetcher): Promise<Preview> {
  const kind = input.kind ?? (input.preset ? 'html' : 'feed');
  const raw = { ...(input.config ?? {}), ...(input.preset ? { preset: input.preset } : {}) } as Record<string, unknown>;
  if (kind === 'html' && raw.max_details === undefined) raw.max_details = 3;
  const config = validateSource(kind, input.url, raw);
  const now = new Date();
  const source: SourceRow = {
    id: 0, name: '(test)', kind, url: input.url, config: JSON.stringify(config), interval_seconds: 300, weight: 1, department_id: null, paused: 0,
    push_token_hash: null, etag: null, last_modified: null, last_success_at: null, last_error: null, last_error_at: null, error_streak: 0,
    next_check_at: null, created_at: nowIso(), updated_at: nowIso(), error_since: null, paused_reason: null, last_warning: null, last_warning_at: null, high_frequency: 0, reference: 0, problem: null,
  };
  const f = fetcher ?? fetcherFor(ctx);
  try {
    const out = await runKind(ctx, f, source, now, false, true);
    return {
      kind,
      charset: out.charset,
      declaredCharset: out.declaredCharset,
      items: out.items.map((i) => ({ title: i.title, published_at: i.publishedAt, author: i.author, url: i.url, text: i.text.slice(0, 200), replies: i.replies?.length ?? 0 })),
      warnings: out.warnings,
    };
  } finally {
    if (!fetcher) await f.close();
  }
}

export const previewSchema = shapeOf<Preview>()({
  kind: z.string(),
  charset: z.string().nullable(),
  declaredCharset: z.string().nullable(),
  items: z.array(
    shapeOf<Preview['items'][number]>()({
      title: z.string(),
      published_at: z.string().nullable(),
      author: z.string().nullable(),
      url: z.string().nullable(),
      text: z.string().describe('the first 200 characters'),
      replies: z.number(),
    }),
  ),
  warnings: z.array(z.string()),
});
