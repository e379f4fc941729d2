import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { snippetOf, type ChannelMessage, type ChannelProvider, type FailureKind, type SendResult } from './base.ts';
import { httpFailure, isAnswer, postJson } from './http.ts';

/**
 * Feishu / Lark custom bot: POST {base}/open-apis/bot/v2/hook/{token} with a rich-text ("post")
 * message. Signature verification: sign = base64(HmacSHA256(key = timestamp + "\n" + secret,
 * data = "")), timestamp in seconds, both in the JSON body. The answer carries {"code":0} (older
 * deployments {"StatusCode":0}); 19021 = bad signature or stale timestamp, 19001 = bad token,
 * 19024 = keyword missing, 11232 = rate limited.
 */
const config = z
  .object({
    token: z.string().min(1),
    secret: z.string().min(1).optional(),
    keyword: z.string().min(1).optional(),
    baseUrl: z.string().url().default('https://open.feishu.cn'),
  })
  .strict();
type FeishuConfig = z.infer<typeof config>;

export function feishuSign(secret: string, timestampSeconds: number | string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

function classify(code: number): FailureKind {
  if (code === 11232 || code === 11233) return 'rate_limit';
  if (code === 19021) return 'signature';
  if (code === 19001 || code === 19002 || code === 19022) return 'auth';
  if (code === 19024) return 'keyword';
  return 'rejected';
}

export function feishuPayload(m: ChannelMessage, keyword?: string) {
  const title = keyword && !m.title.includes(keyword) ? `${keyword} ${m.title}` : m.title;
  const content: { tag: string; text?: string; href?: string }[][] = [];
  for (const line of m.body.split('\n')) if (line.trim()) content.push([{ tag: 'text', text: line }]);
  for (const item of m.items ?? []) {
    content.push(item.url ? [{ tag: 'text', text: `【${item.levelLabel}】` }, { tag: 'a', text: item.title, href: item.url }] : [{ tag: 'text', text: `【${item.levelLabel}】${item.title}` }]);
  }
  if (m.links.length) content.push(m.links.map((l) => ({ tag: 'a', text: `${l.label} `, href: l.url })));
  return { msg_type: 'post', content: { post: { zh_cn: { title: `【${m.levelLabel}】${title}`, content } } } };
}

export const feishuChannel: ChannelProvider<FeishuConfig> = {
  kind: 'feishu',
  config,
  secretFields: ['token', 'secret'],
  webhookField: {
    field: 'token',
    read: (url) => {
      const m = /^(.*)\/open-apis\/bot\/v2\/hook\/([^/]+)\/?$/.exec(url.pathname);
      return m ? { token: decodeURIComponent(m[2]!), baseUrl: `${url.origin}${m[1]}` } : null;
    },
  },
  async send(cfg, message, ctx): Promise<SendResult> {
    const url = `${cfg.baseUrl.replace(/\/+$/, '')}/open-apis/bot/v2/hook/${encodeURIComponent(cfg.token)}`;
    const body: Record<string, unknown> = feishuPayload(message, cfg.keyword);
    if (cfg.secret) {
      const ts = Math.floor(Date.now() / 1000);
      body.timestamp = String(ts);
      body.sign = feishuSign(cfg.secret, ts);
    }
    const answer = await postJson(ctx, url, body, {});
    if (!isAnswer(answer)) return answer;
    const json = answer.json as { code?: number; msg?: string; StatusCode?: number; StatusMessage?: string } | null;
    const code = json ? (typeof json.code === 'number' ? json.code : json.StatusCode) : undefined;
    if (typeof code === 'number') {
      if (code === 0 && answer.status < 300) return { ok: true, status: answer.status, serviceCode: 0, snippet: snippetOf(answer.text) };
      if (code !== 0) {
        const failure = answer.status === 429 ? 'rate_limit' : classify(code);
        return {
          ok: false,
          status: answer.status,
          serviceCode: code,
          snippet: snippetOf(answer.text),
          failure,
          error: `code ${code}: ${json?.msg ?? json?.StatusMessage ?? ''}`.trim(),
          retryAfterMs: failure === 'rate_limit' ? 60_000 : undefined,
        };
      }
    }
    if (answer.status >= 200 && answer.status < 300) {
      return { ok: false, status: answer.status, snippet: snippetOf(answer.text), failure: 'server', error: 'answer without code' };
    }
    return httpFailure(answer);
  },
};
