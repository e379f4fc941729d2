import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { chat, chatJson, ModelError, type ChatEndpoint } from '../../src/assist/chat.ts';
import { createOutboundPolicy } from '../../src/outbound/policy.ts';
import { OutboundRefusedError } from '../../src/outbound/refusal.ts';

/**
 * The OpenAI-compatible chat client against a real stand-in on 127.0.0.1 that speaks
 * chat-completions (whole and streamed as server-sent events) and answers the documented errors.
 */
type Handler = (req: IncomingMessage, body: Record<string, unknown>, res: ServerResponse) => void;

describe('assist: the OpenAI-compatible chat client', () => {
  let server: Server;
  let endpoint: ChatEndpoint;
  const policy = createOutboundPolicy({ allowPrivate: true });
  let queue: Handler[] = [];
  let seen: { auth: string | undefined; body: Record<string, unknown> }[] = [];
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };

  const json = (status: number, value: unknown, headers: Record<string, string> = {}): Handler => (_q, _b, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  const completion = (content: string, usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 }) =>
    json(200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });

  before(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        seen.push({ auth: req.headers.authorization, body });
        assert.equal(req.url, '/v1/chat/completions');
        const h = queue.shift();
        if (!h) {
          res.writeHead(500).end('no handler');
          return;
        }
        h(req, body, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, model: 'qwen2.5-7b-instruct', apiKey: 'sk-test' };
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    queue = [];
    seen = [];
    waits.length = 0;
  });

  test('a whole answer: the model, the messages and the key are sent; text and token counts come back', async () => {
    queue.push(completion('您好'));
    const r = await chat(policy, endpoint, [{ role: 'user', content: '你好' }], { maxTokens: 100, temperature: 0.2, sleep });
    assert.equal(r.content, '您好');
    assert.deepEqual(r.usage, { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });
    assert.equal(r.attempts, 1);
    assert.equal(seen[0].auth, 'Bearer sk-test');
    assert.equal(seen[0].body.model, 'qwen2.5-7b-instruct');
    assert.equal(seen[0].body.max_tokens, 100);
    assert.deepEqual(seen[0].body.messages, [{ role: 'user', content: '你好' }]);
    assert.equal(seen[0].body.stream, undefined);
  });

  test('a streamed answer: each piece reaches onDelta as it comes, the last chunk carries the usage', async () => {
    queue.push((_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [chunk({ role: 'assistant', content: '' }), chunk({ content: '感谢' }), chunk({ content: '您的' }), chunk({ content: '关注' }), chunk({}, 'stop'), { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 30, completion_tokens: 3, total_tokens: 33 } }];
      res.write(': keep-alive\n\n');
      // Split an event across writes, as networks do.
      const text = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
      res.write(text.slice(0, 57));
      setTimeout(() => res.end(text.slice(57)), 20);
    });
    const pieces: string[] = [];
    const r = await chat(policy, endpoint, [{ role: 'user', content: '写一句' }], { stream: true, onDelta: (d) => pieces.push(d), sleep });
    assert.deepEqual(pieces, ['感谢', '您的', '关注']);
    assert.equal(r.content, '感谢您的关注');
    assert.equal(r.finishReason, 'stop');
    assert.deepEqual(r.usage, { prompt_tokens: 30, completion_tokens: 3, total_tokens: 33 });
    assert.equal(seen[0].body.stream, true);
    assert.deepEqual(seen[0].body.stream_options, { include_usage: true });
  });

  test('401: the key is refused, not retried, and the message says what to check', async () => {
    queue.push(json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    await assert.rejects(chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep }), (e: unknown) => e instanceof ModelError && e.kind === 'auth' && /密钥/.test(e.userMessage));
    assert.equal(seen.length, 1);
  });

  test('429 with Retry-After: waits as told, then succeeds', async () => {
    queue.push(json(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '2' }), completion('好'));
    const r = await chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep });
    assert.equal(r.content, '好');
    assert.equal(r.attempts, 2);
    assert.deepEqual(waits, [2000]);
  });

  test('429 for an exhausted quota is not retried and says so in Chinese', async () => {
    queue.push(json(429, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } }));
    await assert.rejects(chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep }), (e: unknown) => e instanceof ModelError && e.kind === 'quota' && /额度/.test(e.userMessage));
    assert.equal(seen.length, 1);
  });

  test('a rate limit that never lifts gives up after the retries, with growing waits when no Retry-After is given', async () => {
    for (let i = 0; i < 4; i++) queue.push(json(429, { error: { message: 'slow down', code: 'rate_limit_exceeded' } }));
    await assert.rejects(chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep, maxRetries: 3 }), (e: unknown) => e instanceof ModelError && e.kind === 'rate_limit' && /繁忙/.test(e.userMessage));
    assert.equal(seen.length, 4);
    assert.deepEqual(waits, [500, 1000, 2000]);
  });

  test('500 is retried with backoff', async () => {
    queue.push(json(500, { error: { message: 'internal error' } }), json(503, { error: { message: 'overloaded' } }), completion('好了'));
    const r = await chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep });
    assert.equal(r.content, '好了');
    assert.equal(r.attempts, 3);
    assert.deepEqual(waits, [500, 1000]);
  });

  test('context too long (400 context_length_exceeded) is not retried and tells people to send less', async () => {
    queue.push(json(400, { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }));
    await assert.rejects(chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep }), (e: unknown) => e instanceof ModelError && e.kind === 'context_length' && /长度/.test(e.userMessage));
    assert.equal(seen.length, 1);
  });

  test('a server that does not answer in time: each attempt times out, then a Chinese timeout error', async () => {
    queue.push(() => undefined, () => undefined);
    await assert.rejects(chat(policy, endpoint, [{ role: 'user', content: 'x' }], { sleep, timeoutMs: 200, maxRetries: 1 }), (e: unknown) => e instanceof ModelError && e.kind === 'timeout' && /没有应答/.test(e.userMessage));
    assert.equal(seen.length, 2);
  });

  test('a stream cut before its end is an error, never a half answer', async () => {
    queue.push((_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(chunk({ content: '半句' }))}\n\n`);
    });
    queue.push((_q, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(chunk({ content: '整句' }, 'stop'))}\n\ndata: [DONE]\n\n`);
    });
    let shown = '';
    const r = await chat(policy, endpoint, [{ role: 'user', content: 'x' }], { stream: true, onDelta: (d) => (shown += d), onRestart: () => (shown = ''), sleep });
    assert.equal(r.content, '整句', 'the cut stream was retried; its half is not in the answer');
    assert.equal(r.attempts, 2);
    assert.equal(shown, '整句', 'what the cut attempt streamed was cleared before the retry');
  });

  test('an address the outbound policy refuses is refused before any request', async () => {
    const strict = createOutboundPolicy({ allowPrivate: false });
    await assert.rejects(chat(strict, endpoint, [{ role: 'user', content: 'x' }], { sleep }), (e: unknown) => e instanceof OutboundRefusedError);
    assert.equal(seen.length, 0);
  });

  test('a JSON answer is checked against its schema: repaired once, else refused', async () => {
    const schema = z.object({ summary: z.string().min(1), post_ids: z.array(z.number()) });
    queue.push(completion('好的，结果如下：{"summary": "道路施工延期"'), completion('```json\n{"summary": "道路施工延期", "post_ids": [3, 5]}\n```'));
    const ok = await chatJson(policy, endpoint, [{ role: 'user', content: '概括' }], schema, { sleep });
    assert.deepEqual(ok.value, { summary: '道路施工延期', post_ids: [3, 5] });
    assert.equal(ok.repaired, true);
    assert.equal(ok.usage.length, 2);
    const second = seen[1].body.messages as { role: string; content: string }[];
    assert.equal(second.length, 3);
    assert.match(second[2].content, /不符合要求的 JSON/);

    queue.push(completion('{"summary": ""}'), completion('{"summary": 1}'));
    await assert.rejects(chatJson(policy, endpoint, [{ role: 'user', content: '概括' }], schema, { sleep }), (e: unknown) => e instanceof ModelError && e.kind === 'bad_answer' && /不予显示/.test(e.userMessage));
  });
});
