/**
 * The console's API client: same-origin cookies, the session's CSRF token echoed in
 * x-csrf-token on every state-changing request, server error messages (zh-CN) surfaced as
 * ApiError.message, and a 401 handed to the session so that the login page is shown.
 */
import { t } from '../i18n.ts';
import type { ErrorBody } from './types.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Listener = () => void;

let csrfToken = '';
const unauthorizedListeners = new Set<Listener>();

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server answers 401 (session expired or logged out elsewhere). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Do not treat a 401 as "session ended" (the login call itself). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(t('web.app.networkError'), 0, 'network');
  }
  if (res.ok) return res;
  // The server's one error answer (src/server/responses.ts); anything else in front of it (a proxy) may answer otherwise.
  let payload: Partial<ErrorBody> | null = null;
  try {
    payload = await res.json();
  } catch {
    payload = null;
  }
  const code = payload?.error?.code ?? `http_${res.status}`;
  if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
  throw new ApiError(payload?.error?.message ?? `${res.status} ${res.statusText}`, res.status, code, payload?.error?.details);
}

async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query'>) => json<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => json<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => json<T>('PATCH', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => json<T>('PUT', path, { body: body ?? {} }),
  delete: <T = void>(path: string) => json<T>('DELETE', path),
  /** Fetches a file (docx, xlsx, pdf …) with the session and saves it under the server's file name. */
  async download(path: string, query?: Query, fallbackName = 'download'): Promise<void> {
    const res = await send('GET', path, { query });
    const blob = await res.blob();
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
