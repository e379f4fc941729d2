import type { z } from 'zod';
import type { SourceKindName } from '../vocabulary.ts';
import type { AppContext } from '../../context.ts';
import type { Fetcher } from '../fetcher/fetch.ts';
import type { CollectedItem, CollectedReply, Metrics, SourceRow } from '../types.ts';

/** What a kind needs for one run: the shared fetcher and the source as stored. */
export interface CollectRun {
  ctx: AppContext;
  fetcher: Fetcher;
  source: SourceRow;
  now: Date;
  /** Conditional GET validators; omitted by `source test`. */
  conditional: boolean;
  /** A dry run (`source test`): show every list entry even where no detail page was fetched. */
  preview?: boolean;
  /** Dedup keys of this source's posts already stored with their reply counts (html kind skips known detail pages). */
  known?: (keys: string[]) => Promise<Map<string, number>>;
}

export interface CollectOutcome {
  items: CollectedItem[];
  notModified: boolean;
  etag: string | null;
  lastModified: string | null;
  /** The charset the body was decoded with, and what the site declared. */
  charset: string | null;
  declaredCharset: string | null;
  /** Problems with single pages or items that did not stop the run. */
  warnings: string[];
}

export interface ThreadUpdate {
  replies: CollectedReply[];
  metrics: Metrics;
}

/**
 * One kind of source (Uptime Kuma's one-file-per-provider shape). Pulled kinds are fetched by
 * the scheduler; push, import and manual receive posts another way and only validate config.
 */
export interface SourceKind<C = unknown> {
  kind: SourceKindName;
  config: z.ZodType<C>;
  /** Needs a URL to fetch. */
  needsUrl: boolean;
  /** Fetched periodically by the scheduler. */
  pulled: boolean;
  collect?(run: CollectRun, config: C): Promise<CollectOutcome>;
  /** Re-fetches one thread for new replies (follow-up of case threads). */
  fetchThread?(run: CollectRun, config: C, url: string): Promise<ThreadUpdate>;
}
