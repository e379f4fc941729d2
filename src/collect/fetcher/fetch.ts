import { Agent, request, type Dispatcher } from 'undici';
import { CollectError } from '../types.ts';
import { guardedConnector, literalRefusal } from '../../outbound/connect.ts';
import { createOutboundPolicy, type OutboundPolicy } from '../../outbound/policy.ts';
import { OutboundRefusedError } from '../../outbound/refusal.ts';
import { isLoginLocation, problemOfAnswer } from '../problems.ts';
import type { SourceProblem } from '../vocabulary.ts';
import { HostLimiter } from './hostlimit.ts';
import { isAllowed, parseRobots, type RobotsRules } from './robots.ts';

export const USER_AGENT = 'Mozilla/5.0 (compatible; MinshengBot/0.1; +https://minsheng.example/bot)';

export interface FetcherOptions {
  /** The outbound-address policy (src/outbound/policy.ts); default: public addresses only. */
  outbound?: OutboundPolicy;
  perHostConcurrency?: number;
  perHostDelayMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  retries?: number;
  userAgent?: string;
}

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  headers?: Record<string, string>;
  ignoreRobots?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface FetchResult {
  status: number;
  notModified: boolean;
  url: string;
  bytes: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
}

const MAX_REDIRECTS = 5;
const ROBOTS_TTL_MS = 60 * 60 * 1000;

/**
 * The one shared fetcher (Miniflux's fetcher/): robots.txt, per-host limits, conditional GET,
 * Retry-After on 429/503, timeouts, a size cap, retries with backoff for transient failures,
 * private addresses refused on the resolved IP. Errors are CollectErrors with a readable reason.
 */
export class Fetcher {
  private readonly opts: Required<Omit<FetcherOptions, 'outbound'>>;
  private readonly policy: OutboundPolicy;
  private readonly limiter: HostLimiter;
  private readonly agent: Agent;
  private robots = new Map<string, { rules: Promise<RobotsRules>; at: number }>();

  constructor(opts: FetcherOptions = {}) {
    this.policy = opts.outbound ?? createOutboundPolicy();
    this.opts = {
      perHostConcurrency: opts.perHostConcurrency ?? 2,
      perHostDelayMs: opts.perHostDelayMs ?? 1000,
      timeoutMs: opts.timeoutMs ?? 20_000,
      maxBytes: opts.maxBytes ?? 10 * 1024 * 1024,
      retries: opts.retries ?? 2,
      userAgent: opts.userAgent ?? USER_AGENT,
    };
    this.limiter = new HostLimiter(this.opts.perHostConcurrency, this.opts.perHostDelayMs);
    this.agent = new Agent({ connect: guardedConnector(this.policy), keepAliveTimeout: 4000 });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async fetch(url: string, o: FetchOptions = {}): Promise<FetchResult> {
    let target = parseUrl(url);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      this.checkLiteral(target);
      let crawlDelay = 0;
      if (!o.ignoreRobots) {
        const rules = await this.robotsFor(target, o);
        if (!isAllowed(rules, target.pathname + target.search)) throw new CollectError(`robots.txt of ${target.host} disallows ${target.pathname}`, null, 'robots').say('collect.error.robots', { host: target.host, path: target.pathname });
        crawlDelay = Math.min(rules.crawlDelaySeconds ?? 0, 60) * 1000;
      }
      const res = await this.limiter.run(target.host, () => this.withRetries(target, o), crawlDelay);
      if (res.redirect) {
        target = parseUrl(new URL(res.redirect, target).toString());
        continue;
      }
      return res.result!;
    }
    throw new CollectError(`too many redirects from ${url}`).say('collect.error.redirects', { url });
  }

  /** IP literals are refused before the per-host queue and robots.txt (names are checked at connect time). */
  private checkLiteral(u: URL) {
    const refusal = literalRefusal(this.policy, u.hostname);
    if (refusal) throw new CollectError(refusal.message, null, 'blocked', refusal);
  }

  private async withRetries(u: URL, o: FetchOptions) {
    let attempt = 0;
    for (;;) {
      try {
        return await this.once(u, o);
      } catch (err) {
        const transient = err instanceof TransientError;
        if (!transient || attempt >= this.opts.retries) throw transient ? new CollectError(err.message, err.retryAfter).say(err.key, err.vars) : err;
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
        attempt++;
      }
    }
  }

  private async once(u: URL, o: FetchOptions): Promise<{ redirect?: string; result?: FetchResult }> {
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: o.accept ?? '*/*',
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5',
      ...(o.headers ?? {}),
    };
    if (o.etag) headers['if-none-match'] = o.etag;
    if (o.lastModified) headers['if-modified-since'] = o.lastModified;
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const maxBytes = o.maxBytes ?? this.opts.maxBytes;
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(u, { method: 'GET', headers, signal, dispatcher: this.agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (err) {
      throw describeNetworkError(err, u, timeoutMs);
    }
    const h = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : (v ?? null);
    };
    const status = res.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      await res.body.dump();
      const loc = h('location');
      if (!loc) throw new CollectError(`HTTP ${status} from ${u.host} without a Location`).say('collect.error.redirectNoLocation', { status, host: u.host });
      if (isLoginLocation(loc)) throw withProblem(new CollectError(`HTTP ${status} from ${u.host}${u.pathname} redirects to a login page (${loc.slice(0, 200)})`).say(httpKey(401), { status, host: u.host, path: u.pathname }), 'login');
      return { redirect: loc };
    }
    if (status === 304) {
      await res.body.dump();
      return { result: { status, notModified: true, url: u.toString(), bytes: new Uint8Array(), contentType: h('content-type'), etag: h('etag') ?? o.etag ?? null, lastModified: h('last-modified') ?? o.lastModified ?? null } };
    }
    if (status === 429 || status === 503) {
      const body = await snippet(res.body);
      const after = parseRetryAfter(h('retry-after'));
      const err = new CollectError(`HTTP ${status} from ${u.host}: ${status === 429 ? 'rate limited' : 'unavailable'}${after !== null ? `, retry after ${after}s` : ''}${quoted(body)}`, after ?? 600);
      if (status === 429) err.say('collect.error.rateLimited', { status, host: u.host, minutes: Math.max(1, Math.round((after ?? 600) / 60)) });
      else err.say('collect.error.http5xx', { status, host: u.host });
      throw withProblem(err, problemOfAnswer(status, body) ?? (status === 429 ? 'blocked' : null));
    }
    if (status >= 500) {
      await res.body.dump().catch(() => undefined);
      throw new TransientError(`HTTP ${status} from ${u.host}${u.pathname}`, null, 'collect.error.http5xx', { status, host: u.host });
    }
    if (status >= 400) {
      const body = await snippet(res.body);
      throw withProblem(new CollectError(`HTTP ${status} from ${u.host}${u.pathname}${quoted(body)}`).say(httpKey(status), { status, host: u.host, path: u.pathname }), problemOfAnswer(status, body));
    }
    const declared = Number(h('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.body.destroy();
      throw new CollectError(`response from ${u.host} is too large (${declared} bytes, limit ${maxBytes})`).say('collect.error.tooLarge', { host: u.host, mb: Math.round(maxBytes / 1048576) });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new CollectError(`response from ${u.host} is too large (over ${maxBytes} bytes)`).say('collect.error.tooLarge', { host: u.host, mb: Math.round(maxBytes / 1048576) });
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof CollectError) throw err;
      throw describeNetworkError(err, u, timeoutMs);
    }
    return { result: { status, notModified: false, url: u.toString(), bytes: Buffer.concat(chunks), contentType: h('content-type'), etag: h('etag'), lastModified: h('last-modified') } };
  }

  private robotsFor(u: URL, o: FetchOptions): Promise<RobotsRules> {
    const key = u.origin;
    const cached = this.robots.get(key);
    if (cached && Date.now() - cached.at < ROBOTS_TTL_MS) return cached.rules;
    // One request per site even when several of its sources are collected at once.
    const rules = this.loadRobots(u, o);
    this.robots.set(key, { rules, at: Date.now() });
    rules.catch(() => this.robots.delete(key));
    return rules;
  }

  private async loadRobots(u: URL, o: FetchOptions): Promise<RobotsRules> {
    try {
      // robots.txt is not counted against the per-host delay: it is one small request per site and hour.
      const res = await this.once(new URL('/robots.txt', u), { timeoutMs: Math.min(o.timeoutMs ?? this.opts.timeoutMs, 10_000), maxBytes: 512 * 1024 });
      if (res.result && res.result.status === 200) return parseRobots(Buffer.from(res.result.bytes).toString('utf8'));
    } catch (err) {
      if (err instanceof CollectError && err.kind === 'blocked') throw err;
      // No robots.txt (404, redirect, error): everything is allowed, as crawlers agree.
    }
    return { rules: [], crawlDelaySeconds: null };
  }
}

/** A failure worth retrying; `key`/`vars` give its zh-CN text once the retries are spent. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfter: number | null,
    readonly key: string,
    readonly vars: Record<string, string | number>,
  ) {
    super(message);
  }
}

/** The zh-CN text of a 4xx: a login wall, a block, a missing page, or any other refusal. */
function httpKey(status: number): string {
  if (status === 401 || status === 407) return 'collect.error.http401';
  if (status === 403 || status === 451) return 'collect.error.http403';
  if (status === 404 || status === 410) return 'collect.error.http404';
  return 'collect.error.http4xx';
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CollectError(`not a valid URL: ${url}`, null, 'config').say('collect.badUrl', { url });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CollectError(`only http and https URLs can be fetched: ${url}`, null, 'config').say('collect.badUrl', { url });
  return u;
}

export function parseRetryAfter(v: string | null): number | null {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((t - Date.now()) / 1000));
}

/** Certificate failures (node's and OpenSSL's codes): the site's HTTPS cannot be trusted as it is. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

const SNIPPET_BYTES = 16 * 1024;

/** The first kilobytes of an error answer, as text, to tell a login page or an anti-bot wall from other errors. */
async function snippet(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= SNIPPET_BYTES) break;
    }
  } catch {
    // What arrived is enough.
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
}

/** RSSHub's error message (its page's "Error Message" or its JSON `error.message`), quoted into the reason. */
function quoted(body: string): string {
  const json = /"error"\s*:\s*\{\s*"message"\s*:\s*"((?:[^"\\]|\\.){1,300})"/.exec(body);
  const html = /class="[^"]*details[^"]*"[^>]*>([\s\S]{1,300}?)<\/code>/.exec(body);
  const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'", apos: "'" };
  const text = (json?.[1] ?? html?.[1])
    ?.replace(/&(lt|gt|quot|amp|#39|apos);/g, (_, e: string) => entities[e])
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? ` (${text.slice(0, 200)})` : '';
}

function withProblem(err: CollectError, problem: SourceProblem | null): CollectError {
  err.problem = problem;
  return err;
}

function describeNetworkError(err: unknown, u: URL, timeoutMs: number): Error {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const refusal = OutboundRefusedError.from(err);
  if (refusal) return new CollectError(refusal.message, null, 'blocked', refusal);
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new CollectError(`timed out after ${Math.round(timeoutMs / 1000)}s fetching ${u.host}${u.pathname}`).say('collect.error.timeout', { host: u.host, seconds: Math.round(timeoutMs / 100) / 10 });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CollectError(`cannot resolve host ${u.hostname}`).say('collect.error.dns', { host: u.hostname });
  if (code && TLS_CODES.has(code)) return new CollectError(`TLS certificate of ${u.host} rejected: ${code}`).say('collect.error.tls', { host: u.host });
  if (code === 'ECONNREFUSED') return new TransientError(`connection refused by ${u.host}`, null, 'collect.error.refused', { host: u.host });
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new TransientError(`connection reset by ${u.host}`, null, 'collect.error.reset', { host: u.host });
  return new TransientError(`cannot fetch ${u.host}${u.pathname}: ${e.message ?? String(err)}`, null, 'collect.error.network', { host: u.host });
}
