import { t } from '../i18n/index.ts';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SourceTable } from '../db/schema.ts';
import { jsonColumn } from '../db/values.ts';
import type { PublishedPrecision, SourceProblem } from './vocabulary.ts';

export type SourceRow = Selectable<SourceTable>;

/** `sources.config`: the kind's settings, checked against the kind's own schema when used. */
export const sourceConfigJson = jsonColumn('sources.config', z.record(z.string(), z.unknown()));
/** `posts.extra`: collected fields without a column of their own (e.g. dislikes). */
export const postExtraJson = jsonColumn('posts.extra', z.record(z.string(), z.unknown()));

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
  /** How precise `publishedAt` is (a date alone: 'day'); absent means exact. */
  publishedPrecision?: PublishedPrecision | null;
  metrics: Metrics;
  replies?: CollectedReply[];
  /** Fields without a column of their own (e.g. dislikes). */
  extra?: Record<string, unknown>;
}

/**
 * A readable reason why a source could not be collected. `message` (English) names the cause for
 * logs; `userMessage` is what people read (the source test, its health, the office's notice): the
 * zh-CN text given with `say`, or the refusal's own text for `blocked`.
 */
export class CollectError extends Error {
  private zh: string | null = null;
  /** What the answer showed (collect/problems.ts), when the fetcher could tell: login expired, blocked … */
  problem: SourceProblem | null = null;
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

  /** Sets the zh-CN text people read, from the catalogue; returns the error for `throw`. */
  say(key: string, vars: Record<string, string | number> = {}): this {
    this.zh = t(key, vars);
    return this;
  }

  get userMessage(): string {
    if (this.zh) return this.zh;
    const refusal = this.cause as { userMessage?: unknown } | undefined;
    if (refusal && typeof refusal.userMessage === 'string') return refusal.userMessage;
    return t('collect.error.other', { kind: t(`collect.error.kind.${this.kind}`) });
  }
}
