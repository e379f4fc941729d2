import { outboundFetch } from '../../outbound/http.ts';
import { OutboundRefusedError } from '../../outbound/refusal.ts';
import { snippetOf, type FailureKind, type SendContext, type SendResult } from './base.ts';

export interface HttpAnswer {
  status: number;
  text: string;
  json: unknown;
  headers: { get(name: string): string | null };
}

/**
 * A JSON POST with a timeout, through the outbound-address policy. Transport failures become a
 * SendResult (network / timeout / blocked — a refused address is never connected to).
 */
export async function postJson(ctx: Pick<SendContext, 'timeoutMs' | 'outbound'>, url: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer | SendResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const res = await outboundFetch(ctx.outbound, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: payload,
      signal: AbortSignal.timeout(ctx.timeoutMs),
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, text, json, headers: res.headers };
  } catch (err) {
    return transportFailure(err);
  }
}

export function transportFailure(err: unknown): SendResult {
  const refusal = OutboundRefusedError.from(err);
  if (refusal) return blockedResult(refusal);
  const e = err as Error & { cause?: { code?: string; message?: string }; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return { ok: false, status: null, snippet: '', failure: 'timeout', error: 'no answer within the timeout' };
  }
  const code = e.cause?.code ?? e.code;
  // fetch throws a TypeError before connecting when the request itself is malformed (URL, header).
  if (!code && e.name === 'TypeError' && e.message !== 'fetch failed') {
    return { ok: false, status: null, snippet: '', failure: 'config', error: e.message };
  }
  const detail = e.cause?.message ?? e.message;
  return { ok: false, status: null, snippet: '', failure: 'network', error: code ? `${code}: ${detail}` : detail };
}

/** A refused address: nothing was sent and nothing came back (no snippet, no status). */
export function blockedResult(refusal: OutboundRefusedError): SendResult {
  return { ok: false, status: null, snippet: '', failure: 'blocked', error: refusal.message, userMessage: refusal.userMessage };
}

export function isAnswer(x: HttpAnswer | SendResult): x is HttpAnswer {
  return 'headers' in x;
}

/** Seconds from a Retry-After header, when present. */
export function retryAfterMs(headers: HttpAnswer['headers']): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Classifies a non-2xx HTTP answer for services without their own code in the body. */
export function httpFailure(answer: HttpAnswer): SendResult {
  let failure: FailureKind = 'rejected';
  if (answer.status === 429) failure = 'rate_limit';
  else if (answer.status >= 500) failure = 'server';
  else if (answer.status === 401 || answer.status === 403 || answer.status === 404) failure = 'auth';
  return {
    ok: false,
    status: answer.status,
    snippet: snippetOf(answer.text),
    failure,
    error: `HTTP ${answer.status}`,
    retryAfterMs: retryAfterMs(answer.headers),
  };
}

/** Truncates a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let out = '';
  let used = Buffer.byteLength(ellipsis);
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out + ellipsis;
}
