import { z } from 'zod';
import { decodeBody, decodeCounting, normaliseCharset, type Decoded } from '../encoding/charset.ts';
import type { FetchResult } from '../fetcher/fetch.ts';
import type { CollectRun } from './types.ts';
import { t } from '../../i18n/index.ts';

/**
 * A source option that no longer exists: whether a source may reach the intranet is the
 * administrator's decision for the whole installation (src/outbound/policy.ts), never a
 * source's. Config that still carries it is refused with this reason.
 */
export const REMOVED_PRIVATE_NETWORK_OPTION = 'allow_private_network';
export const REMOVED_PRIVATE_NETWORK_REASON =
  'allow_private_network is no longer a source option: the administrator allows private networks with MINSHENG_ALLOW_PRIVATE_NETWORKS or MINSHENG_ALLOW_PRIVATE_HOSTS';

export function hasRemovedPrivateNetworkOption(config: unknown): boolean {
  return !!config && typeof config === 'object' && REMOVED_PRIVATE_NETWORK_OPTION in config;
}

/** Options every fetched kind understands. */
export const fetchOptions = {
  /** Force a charset when a site's declaration and content both mislead. */
  charset: z.string().refine((v) => normaliseCharset(v) !== null, { message: 'unknown charset', params: { zh: t('form.issue.charset') } }).optional(),
  timeout_seconds: z.number().int().min(1).max(300).optional(),
  max_bytes: z.number().int().min(1024).max(100 * 1024 * 1024).optional(),
  /** Extra request headers (e.g. an API key); never logged. */
  headers: z.record(z.string(), z.string()).optional(),
};

export type FetchConfig = {
  charset?: string;
  timeout_seconds?: number;
  max_bytes?: number;
  headers?: Record<string, string>;
};

export async function fetchPage(run: CollectRun, cfg: FetchConfig, url: string, accept: string, conditional: boolean): Promise<FetchResult> {
  return run.fetcher.fetch(url, {
    accept,
    etag: conditional ? run.source.etag : null,
    lastModified: conditional ? run.source.last_modified : null,
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
  if (!d?.warning) return [];
  const out: string[] = [];
  if (d.how === 'detected' && d.declared && d.declared.toLowerCase() !== d.charset.toLowerCase()) out.push(t('collect.warning.charsetDetected', { url, declared: d.declared, charset: d.charset }));
  if (d.invalid) out.push(t('collect.warning.invalidBytes', { url, n: d.invalid, charset: d.charset }));
  // Any other warning of the decoder, in its own words.
  return out.length ? [out.join('；')] : [`${url}: ${d.warning}`];
}
