import type { Selectable } from 'kysely';
import type { SourceTable } from '../db/schema.ts';

export type SourceRow = Selectable<SourceTable>;

export interface Metrics {
  views?: number;
  replies?: number;
  likes?: number;
  reposts?: number;
}

/** A reply (跟帖) under a collected post, or an official answer on a message board. */
export interface CollectedReply {
  externalId: string;
  author: string | null;
  text: string;
  publishedAt: string | null;
}

/** The normalised post every source kind produces before it is stored. */
export interface CollectedItem {
  externalId: string | null;
  url: string | null;
  title: string;
  text: string;
  /** Sanitised HTML of the body, when the source gave HTML. */
  contentHtml: string | null;
  author: string | null;
  publishedAt: string | null;
  metrics: Metrics;
  replies?: CollectedReply[];
  /** Fields without a column of their own (e.g. dislikes). */
  extra?: Record<string, unknown>;
}

/** A readable reason why a source could not be collected; the message names the cause. */
export class CollectError extends Error {
  constructor(
    message: string,
    /** Seconds the site asked us to wait (Retry-After), if any. */
    readonly retryAfterSeconds: number | null = null,
    readonly kind: 'fetch' | 'parse' | 'config' | 'robots' | 'blocked' = 'fetch',
    /** For `blocked`: the OutboundRefusedError, whose zh-CN text people see. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
