import { z } from 'zod';
import { decodeBody, decodeCounting, normaliseCharset, type Decoded } from '../encoding/charset.ts';
import type { FetchResult } from '../fetcher/fetch.ts';
import type { CollectRun } from './types.ts';

/** Options every fetched kind understands. */
export const fetchOptions = {
  /** Force a charset when a site's declaration and content both mislead. */
  charset: z.string().refine((v) => normaliseCharset(v) !== null, 'unknown charset').optional(),
  /**
   * Let this one source reach a private/intranet address (e.g. a self-hosted RSSHub on the
   * LAN) although the workspace does not allow private networks in general.
   */
  allow_private_network: z.boolean().optional(),
  timeout_seconds: z.number().int().min(1).max(300).optional(),
  max_bytes: z.number().int().min(1024).max(100 * 1024 * 1024).optional(),
  /** Extra request headers (e.g. an API key); never logged. */
  headers: z.record(z.string(), z.string()).optional(),
};

export type FetchConfig = {
  charset?: string;
  allow_private_network?: boolean;
  timeout_seconds?: number;
  max_bytes?: number;
  headers?: Record<string, string>;
};

export async function fetchPage(run: CollectRun, cfg: FetchConfig, url: string, accept: string, conditional: boolean): Promise<FetchResult> {
  return run.fetcher.fetch(url, {
    accept,
    etag: conditional ? run.source.etag : null,
    lastModified: conditional ? run.source.last_modified : null,
    allowPrivate: cfg.allow_private_network,
    timeoutMs: cfg.timeout_seconds ? cfg.timeout_seconds * 1000 : undefined,
    maxBytes: cfg.max_bytes,
    headers: cfg.headers,
  });
}

export function decode(res: FetchResult, cfg: FetchConfig): Decoded {
  const forced = normaliseCharset(cfg.charset);
  if (forced) {
    const { text, invalid } = decodeCounting(res.bytes, forced);
    const warning = invalid ? `${invalid} byte sequence${invalid === 1 ? '' : 's'} invalid in the configured charset ${forced} replaced by U+FFFD` : null;
    return { text, charset: forced, declared: cfg.charset ?? null, how: 'declared', invalid, warning };
  }
  return decodeBody(res.bytes, res.contentType);
}

/** The charset warning of one fetched page, naming the page, for the run's warnings. */
export function charsetWarnings(d: Decoded | null, url: string): string[] {
  return d?.warning ? [`${url}: ${d.warning}`] : [];
}
