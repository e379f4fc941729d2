import { snippetOf, type FailureKind, type SendResult } from './base.ts';

export interface HttpAnswer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** A JSON POST with a timeout. Transport failures become a SendResult (network / timeout). */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer | SendResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
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

export function isAnswer(x: HttpAnswer | SendResult): x is HttpAnswer {
  return 'headers' in x;
}

/** Seconds from a Retry-After header, when present. */
export function retryAfterMs(headers: Headers): number | undefined {
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
