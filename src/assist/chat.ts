import { z } from 'zod';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { fetchModelEndpoint } from '../outbound/http.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import { OutboundRefusedError } from '../outbound/refusal.ts';

/**
 * The client of one OpenAI-compatible chat-completions endpoint (issue 21, the optional model):
 * DeepSeek, Qwen's compatible mode, a self-hosted vLLM, Ollama or llama.cpp server all speak it.
 * `POST {base}/chat/completions` with the model and the messages, answered whole or streamed as
 * server-sent events (`data: {chunk}` lines, `data: [DONE]` last; with `stream_options.include_usage`
 * a last chunk carries the token counts). Every connection goes through the outbound-address
 * policy (`fetchModelEndpoint`). Each attempt has a timeout; a rate limit (429) is retried after
 * its Retry-After, a server error (5xx), a timeout or a dropped connection with exponential
 * backoff; a refused key, an exhausted quota or a too-long context are not retried, and an address
 * the policy refuses throws its `OutboundRefusedError` before any byte is sent. Every failure reaches people as a `ModelError` with a Chinese message saying what
 * to do.
 */
export interface ChatEndpoint {
  /** e.g. https://api.deepseek.com/v1, http://127.0.0.1:11434/v1 (Ollama), http://gpu-box:8000/v1 (vLLM). */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer …`; null for a local server without keys. */
  apiKey: string | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatResult {
  content: string;
  /** Null when the server reports none (some local servers). */
  usage: ChatUsage | null;
  finishReason: string | null;
  /** Attempts made (1 when the first succeeded). */
  attempts: number;
}

export interface ChatOptions {
  maxTokens?: number;
  temperature?: number;
  /** Stream the answer; `onDelta` receives each piece of text as it arrives. */
  stream?: boolean;
  onDelta?: (text: string) => void;
  /** Called before a retry: what `onDelta` showed of the failed attempt is to be cleared. */
  onRestart?: () => void;
  /** Per attempt (default 60 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** The longest wait between attempts, whatever Retry-After says (default 30 s). */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
}

export const MODEL_ERROR_KINDS = ['auth', 'quota', 'rate_limit', 'context_length', 'server', 'timeout', 'network', 'bad_answer'] as const;
export type ModelErrorKind = (typeof MODEL_ERROR_KINDS)[number];

const STATUS: Record<ModelErrorKind, number> = { auth: 502, quota: 402, rate_limit: 429, context_length: 413, server: 502, timeout: 504, network: 502, bad_answer: 502 };

export class ModelError extends AppError {
  constructor(
    readonly kind: ModelErrorKind,
    detail: string,
    vars: Record<string, string | number> = {},
  ) {
    super(`model endpoint: ${kind}: ${detail}`, STATUS[kind], `model_${kind}`, t(`assist.error.${kind}`, vars));
  }
}

const usageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }), finish_reason: z.string().nullable().optional() })).min(1),
  usage: usageSchema.nullable().optional(),
});
const chunkSchema = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullable().optional() }).optional(), finish_reason: z.string().nullable().optional() })).optional(),
  usage: usageSchema.nullable().optional(),
});
const errorBodySchema = z.object({ error: z.object({ message: z.string().optional(), type: z.string().nullable().optional(), code: z.union([z.string(), z.number()]).nullable().optional() }) });

const CONTEXT = /context[_ ]length|maximum context|context window|too many tokens|prompt is too long|exceeds? the (?:model's )?(?:maximum|max)/i;
const QUOTA = /insufficient_quota|quota|balance|余额|欠费|billing/i;

/** What an error answer means: its status, then the service's own code and message. */
function classify(status: number, body: string, retryAfter: string | null): { kind: ModelErrorKind; retryMs?: number; detail: string } {
  let code = '';
  let message = body.slice(0, 300);
  try {
    const e = errorBodySchema.parse(JSON.parse(body)).error;
    code = `${e.code ?? ''} ${e.type ?? ''}`;
    message = e.message ?? message;
  } catch {
    /* not JSON: keep the text */
  }
  const detail = `${status} ${code.trim()} ${message}`.trim();
  if (status === 401 || status === 403) return { kind: 'auth', detail };
  if (status === 402 || (status === 429 && QUOTA.test(`${code} ${message}`))) return { kind: 'quota', detail };
  if (status === 429) return { kind: 'rate_limit', retryMs: retryAfterMs(retryAfter), detail };
  if ((status === 400 || status === 413 || status === 422) && CONTEXT.test(`${code} ${message}`)) return { kind: 'context_length', detail };
  if (status >= 500) return { kind: 'server', detail };
  return { kind: 'bad_answer', detail };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const RETRIED: readonly ModelErrorKind[] = ['rate_limit', 'server', 'timeout', 'network'];

function endpointUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/chat/completions`;
}

/** One chat completion, with retries. */
export async function chat(policy: OutboundPolicy, endpoint: ChatEndpoint, messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
  const maxRetries = opts.maxRetries ?? 3;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: ModelError | null = null;
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    try {
      return { ...(await attemptOnce(policy, endpoint, messages, opts)), attempts: attempt };
    } catch (err) {
      if (!(err instanceof ModelErrorWithWait)) throw err;
      last = err.error;
      if (!RETRIED.includes(err.error.kind) || attempt > maxRetries || opts.signal?.aborted) break;
      const backoff = err.retryMs ?? 500 * 2 ** (attempt - 1);
      await sleep(Math.min(backoff, opts.maxWaitMs ?? 30_000));
      opts.onRestart?.();
    }
  }
  throw last ?? new ModelError('server', 'no attempt');
}

class ModelErrorWithWait extends Error {
  constructor(
    readonly error: ModelError,
    readonly retryMs?: number,
  ) {
    super(error.message);
  }
}

async function attemptOnce(policy: OutboundPolicy, endpoint: ChatEndpoint, messages: ChatMessage[], opts: ChatOptions): Promise<Omit<ChatResult, 'attempts'>> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const body = {
    model: endpoint.model,
    messages,
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
    ...(opts.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  const fail = (kind: ModelErrorKind, detail: string, retryMs?: number, vars: Record<string, string | number> = {}) => new ModelErrorWithWait(new ModelError(kind, detail, vars), retryMs);
  try {
    const res = await fetchModelEndpoint(policy, endpointUrl(endpoint.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: opts.stream ? 'text/event-stream' : 'application/json', ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      const c = classify(res.status, text, res.headers.get('retry-after'));
      throw fail(c.kind, c.detail, c.retryMs, { status: res.status });
    }
    if (!opts.stream) {
      const parsed = completionSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw fail('bad_answer', 'not a chat completion');
      const choice = parsed.data.choices[0];
      return { content: choice.message.content ?? '', usage: parsed.data.usage ?? null, finishReason: choice.finish_reason ?? null };
    }
    return await readStream(res.body, opts.onDelta, fail);
  } catch (err) {
    if (err instanceof ModelErrorWithWait) throw err;
    const refused = OutboundRefusedError.from(err);
    if (refused) throw refused;
    if (timeout.aborted) throw fail('timeout', `no answer within ${opts.timeoutMs ?? 60_000} ms`, undefined, { seconds: Math.round((opts.timeoutMs ?? 60_000) / 1000) });
    if (opts.signal?.aborted) throw err;
    throw fail('network', (err as Error).message);
  }
}

/** Reads server-sent events: `data: {chunk}` lines until `data: [DONE]` (or the end of the body). */
async function readStream(
  body: AsyncIterable<Uint8Array> | null,
  onDelta: ((text: string) => void) | undefined,
  fail: (kind: ModelErrorKind, detail: string) => ModelErrorWithWait,
): Promise<Omit<ChatResult, 'attempts'>> {
  if (!body) throw fail('bad_answer', 'empty stream');
  const decoder = new TextDecoder();
  let buffer = '';
  let content = '';
  let usage: ChatUsage | null = null;
  let finishReason: string | null = null;
  let done = false;
  const line = (raw: string) => {
    const l = raw.replace(/\r$/, '');
    if (!l.startsWith('data:')) return; // comments (": keep-alive"), event names, blank separators
    const data = l.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw fail('bad_answer', `unreadable event ${data.slice(0, 80)}`);
    }
    if (errorBodySchema.safeParse(json).success) throw fail('server', `error in stream: ${data.slice(0, 200)}`);
    const chunk = chunkSchema.safeParse(json);
    if (!chunk.success) throw fail('bad_answer', `not a chunk: ${data.slice(0, 80)}`);
    for (const c of chunk.data.choices ?? []) {
      const text = c.delta?.content ?? '';
      if (text) {
        content += text;
        onDelta?.(text);
      }
      if (c.finish_reason) finishReason = c.finish_reason;
    }
    if (chunk.data.usage) usage = chunk.data.usage;
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      line(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (done) break;
    }
    if (done) break;
  }
  if (!done && buffer) line(buffer);
  if (!done && finishReason === null) throw fail('network', 'the stream ended before its last event');
  return { content, usage, finishReason };
}

/**
 * A chat whose answer must be JSON of `schema`: the text (inside ```json fences or not) is parsed
 * and checked; an answer that does not pass is sent back once with what was wrong (repaired), and
 * refused (`bad_answer`) if the second fails too — never shown half-parsed.
 */
export async function chatJson<S extends z.ZodType>(policy: OutboundPolicy, endpoint: ChatEndpoint, messages: ChatMessage[], schema: S, opts: ChatOptions = {}): Promise<{ value: z.output<S>; usage: ChatUsage[]; repaired: boolean }> {
  const usage: ChatUsage[] = [];
  let convo = messages;
  for (let round = 0; round < 2; round++) {
    const res = await chat(policy, endpoint, convo, { ...opts, stream: false });
    if (res.usage) usage.push(res.usage);
    const checked = readJsonAnswer(res.content, schema);
    if (checked.ok) return { value: checked.value, usage, repaired: round > 0 };
    convo = [...messages, { role: 'assistant', content: res.content }, { role: 'user', content: `上面的回答不符合要求的 JSON 格式（${checked.problem}）。请只输出符合要求的 JSON，不要输出其他文字。` }];
  }
  throw new ModelError('bad_answer', 'the answer did not match its schema after one repair');
}

export function readJsonAnswer<S extends z.ZodType>(text: string, schema: S): { ok: true; value: z.output<S> } | { ok: false; problem: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const raw = (fenced ? fenced[1] : text).trim();
  const start = raw.search(/[[{]/);
  if (start < 0) return { ok: false, problem: '没有 JSON' };
  let json: unknown;
  try {
    json = JSON.parse(raw.slice(start));
  } catch {
    return { ok: false, problem: 'JSON 无法解析' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '根'}：${i.message}`).slice(0, 3).join('；') };
  return { ok: true, value: parsed.data };
}
