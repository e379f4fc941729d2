import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { snippetOf, type ChannelMessage, type ChannelProvider, type FailureKind, type SendResult } from './base.ts';
import { httpFailure, isAnswer, postJson, truncateBytes } from './http.ts';
import { renderMarkdown } from './markdown.ts';

/**
 * DingTalk (钉钉) custom robot: POST {base}/robot/send?access_token=TOKEN with a markdown message.
 * Security settings: signed mode (加签) appends &timestamp=MS&sign=urlencode(base64(HmacSHA256(key
 * = secret, data = timestamp + "\n" + secret))); keyword mode (自定义关键词) needs the keyword in the
 * text. Success is {"errcode":0}; 310000 = sign / keyword / IP refused, 300001 = bad token,
 * 130101 = more than 20 messages a minute (throttled for 10 minutes).
 */
const config = z
  .object({
    accessToken: z.string().min(1),
    secret: z.string().min(1).optional(),
    keyword: z.string().min(1).optional(),
    atMobiles: z.array(z.string()).optional(),
    atAll: z.boolean().optional(),
    baseUrl: z.string().url().default('https://oapi.dingtalk.com'),
  })
  .strict();
type DingtalkConfig = z.infer<typeof config>;

export function dingtalkSign(secret: string, timestampMs: number | string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

function classify(code: number, msg: string): FailureKind {
  if (code === 130101 || code === 130102 || code === 90018 || code === 90030 || code === 410100) return 'rate_limit';
  if (code === 300001 || code === 300004 || code === 400013 || code === 300005) return 'auth';
  if (code === 310000) {
    if (/keyword|关键词/i.test(msg)) return 'keyword';
    if (/ip/i.test(msg) && !/sign|签名/i.test(msg)) return 'auth';
    return 'signature';
  }
  if (code === -1) return 'server';
  return 'rejected';
}

export function dingtalkPayload(m: ChannelMessage, cfg: Pick<DingtalkConfig, 'keyword' | 'atMobiles' | 'atAll'>) {
  const title = cfg.keyword && !m.title.includes(cfg.keyword) ? `${cfg.keyword} ${m.title}` : m.title;
  let text = renderMarkdown({ ...m, title }, { lineBreak: '\n\n' });
  if (cfg.atMobiles?.length) text += `\n\n${cfg.atMobiles.map((p) => `@${p}`).join(' ')}`;
  return {
    msgtype: 'markdown',
    markdown: { title: truncateBytes(`【${m.levelLabel}】${title}`, 200), text: truncateBytes(text, 18000) },
    at: { atMobiles: cfg.atMobiles ?? [], isAtAll: cfg.atAll ?? false },
  };
}

export const dingtalkChannel: ChannelProvider<DingtalkConfig> = {
  kind: 'dingtalk',
  config,
  secretFields: ['accessToken', 'secret'],
  webhookField: {
    field: 'accessToken',
    read: (url) => {
      const accessToken = url.searchParams.get('access_token');
      const i = url.pathname.indexOf('/robot/send');
      return accessToken && i >= 0 ? { accessToken, baseUrl: `${url.origin}${url.pathname.slice(0, i)}` } : null;
    },
  },
  async send(cfg, message, ctx): Promise<SendResult> {
    let url = `${cfg.baseUrl.replace(/\/+$/, '')}/robot/send?access_token=${encodeURIComponent(cfg.accessToken)}`;
    if (cfg.secret) {
      const ts = Date.now();
      url += `&timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(cfg.secret, ts))}`;
    }
    const answer = await postJson(ctx, url, dingtalkPayload(message, cfg), {});
    if (!isAnswer(answer)) return answer;
    const body = answer.json as { errcode?: number; errmsg?: string } | null;
    if (answer.status >= 200 && answer.status < 300 && body && typeof body.errcode === 'number') {
      if (body.errcode === 0) return { ok: true, status: answer.status, serviceCode: 0, snippet: snippetOf(answer.text) };
      const failure = classify(body.errcode, body.errmsg ?? '');
      return {
        ok: false,
        status: answer.status,
        serviceCode: body.errcode,
        snippet: snippetOf(answer.text),
        failure,
        error: `errcode ${body.errcode}: ${body.errmsg ?? ''}`.trim(),
        retryAfterMs: failure === 'rate_limit' ? 10 * 60_000 : undefined,
      };
    }
    if (answer.status >= 200 && answer.status < 300) {
      return { ok: false, status: answer.status, snippet: snippetOf(answer.text), failure: 'server', error: 'answer without errcode' };
    }
    return httpFailure(answer);
  },
};
