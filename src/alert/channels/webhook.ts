import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { snippetOf, type ChannelMessage, type ChannelProvider, type SendResult } from './base.ts';
import { httpFailure, isAnswer, postJson } from './http.ts';

/**
 * The generic signed webhook (documented for receivers in docs/channels.md):
 *   POST url, Content-Type: application/json
 *   X-Minsheng-Timestamp: unix seconds
 *   X-Minsheng-Signature: sha256=hex(HmacSHA256(secret, timestamp + "." + raw body))
 *   Idempotency-Key: the alert's key, percent-encoded (the same on every retry; drop repeats)
 * Any 2xx is success; 429 honours Retry-After; 401/403 means the receiver refused our signature.
 */
const config = z
  .object({
    url: z.string().url(),
    secret: z.string().min(8),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();
type WebhookConfig = z.infer<typeof config>;

export const SIGNATURE_HEADER = 'x-minsheng-signature';
export const TIMESTAMP_HEADER = 'x-minsheng-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Header values are ASCII: the key (which may hold a rule's Chinese name) is percent-encoded. */
export function idempotencyHeader(key: string): string {
  return encodeURIComponent(key);
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): checks a request's signature and that its timestamp is fresh. */
export function verifyWebhook(secret: string, timestamp: string | undefined, signature: string | undefined, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function webhookPayload(m: ChannelMessage) {
  return {
    idempotencyKey: m.idempotencyKey,
    kind: m.kind,
    level: m.level,
    levelLabel: m.levelLabel,
    title: m.title,
    body: m.body,
    links: m.links,
    items: m.items ?? [],
    alertIds: m.alertIds,
    attachment: m.attachment ? { id: m.attachment.id, filename: m.attachment.filename, mime: m.attachment.mime, url: m.attachment.url } : null,
    createdAt: m.createdAt,
  };
}

export const webhookChannel: ChannelProvider<WebhookConfig> = {
  kind: 'webhook',
  config,
  secretFields: ['secret'],
  async send(cfg, message, ctx): Promise<SendResult> {
    const body = JSON.stringify(webhookPayload(message));
    const ts = String(Math.floor(Date.now() / 1000));
    const answer = await postJson(
      ctx,
      cfg.url,
      body,
      {
        ...(cfg.headers ?? {}),
        [TIMESTAMP_HEADER]: ts,
        [SIGNATURE_HEADER]: webhookSignature(cfg.secret, ts, body),
        [IDEMPOTENCY_HEADER]: idempotencyHeader(message.idempotencyKey),
        'user-agent': 'Minsheng-Webhook/1',
      },
    );
    if (!isAnswer(answer)) return answer;
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, snippet: snippetOf(answer.text) };
    const failed = httpFailure(answer);
    if (answer.status === 401 || answer.status === 403) failed.failure = 'signature';
    return failed;
  },
};
