import { z } from 'zod';
import { snippetOf, type ChannelMessage, type ChannelProvider, type FailureKind, type SendResult } from './base.ts';
import { httpFailure, isAnswer, postJson, truncateBytes } from './http.ts';
import { renderMarkdown } from './markdown.ts';

/**
 * WeCom (企业微信) group robot: POST {base}/cgi-bin/webhook/send?key=KEY with
 * {"msgtype":"markdown","markdown":{"content":…}}; content at most 4096 UTF-8 bytes. The answer
 * is {"errcode":0,"errmsg":"ok"} on success; HTTP 200 alone proves nothing.
 */
const config = z
  .object({
    key: z.string().min(1),
    baseUrl: z.string().url().default('https://qyapi.weixin.qq.com'),
  })
  .strict();
type WecomConfig = z.infer<typeof config>;

export const WECOM_MAX_BYTES = 4096;

/** errcode → failure kind, from the WeCom global error-code list. */
function classify(code: number): FailureKind {
  if (code === 45009 || code === 45033) return 'rate_limit'; // api freq out of limit
  if (code === 93000 || code === 40013 || code === 40014 || code === 42001 || code === 93004) return 'auth'; // invalid webhook url / key
  if (code === -1) return 'server'; // system busy
  return 'rejected';
}

const COLORS: Record<string, string> = { red: 'warning', orange: 'warning', yellow: 'comment', blue: 'info' };

export function wecomPayload(m: ChannelMessage) {
  const content = renderMarkdown(m, { levelTag: (x) => `<font color="${COLORS[x.level]}">【${x.levelLabel}】</font>` });
  return { msgtype: 'markdown', markdown: { content: truncateBytes(content, WECOM_MAX_BYTES) } };
}

export const wecomChannel: ChannelProvider<WecomConfig> = {
  kind: 'wecom',
  config,
  secretFields: ['key'],
  webhookField: {
    field: 'key',
    read: (url) => {
      const key = url.searchParams.get('key');
      const i = url.pathname.indexOf('/cgi-bin/webhook/send');
      return key && i >= 0 ? { key, baseUrl: `${url.origin}${url.pathname.slice(0, i)}` } : null;
    },
  },
  async send(cfg, message, ctx): Promise<SendResult> {
    const url = `${cfg.baseUrl.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(cfg.key)}`;
    const answer = await postJson(ctx, url, wecomPayload(message), {});
    if (!isAnswer(answer)) return answer;
    const body = answer.json as { errcode?: number; errmsg?: string } | null;
    if (answer.status >= 200 && answer.status < 300 && body && typeof body.errcode === 'number') {
      if (body.errcode === 0) return { ok: true, status: answer.status, serviceCode: 0, snippet: snippetOf(answer.text) };
      const failure = classify(body.errcode);
      return {
        ok: false,
        status: answer.status,
        serviceCode: body.errcode,
        snippet: snippetOf(answer.text),
        failure,
        error: `errcode ${body.errcode}: ${body.errmsg ?? ''}`.trim(),
        retryAfterMs: failure === 'rate_limit' ? 60_000 : undefined,
      };
    }
    if (answer.status >= 200 && answer.status < 300) {
      return { ok: false, status: answer.status, snippet: snippetOf(answer.text), failure: 'server', error: 'answer without errcode' };
    }
    return httpFailure(answer);
  },
};
