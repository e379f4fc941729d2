import type { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { RiskLevel } from '../../levels.ts';
import type { ChannelKindName } from '../vocabulary.ts';
import type { OutboundPolicy } from '../../outbound/policy.ts';

/** A link shown under a message (the post, the case, the acknowledgement page, a download). */
export interface MessageLink {
  label: string;
  url: string;
}

export interface MessageAttachment {
  id: number;
  filename: string;
  mime: string;
  /** The authenticated console download (MINSHENG_PUBLIC_URL + /api/attachments/:id). */
  url: string;
  /** Loads the file's bytes (only e-mail attaches the file itself). */
  load(): Promise<Buffer>;
}

/** One message to deliver: an alert, a digest of several, or a test. Channels render it their own way. */
export interface ChannelMessage {
  kind: 'alert' | 'digest' | 'test';
  level: RiskLevel;
  /** Level label for people, e.g. 重大. */
  levelLabel: string;
  title: string;
  /** Plain text, lines separated by \n. */
  body: string;
  links: MessageLink[];
  /** For a digest: one line per folded alert. */
  items?: { title: string; level: RiskLevel; levelLabel: string; url?: string }[];
  /** The alert's idempotency key (the generic webhook sends it so a receiver can drop repeats). */
  idempotencyKey: string;
  alertIds: number[];
  channelId: number;
  departmentId: number | null;
  attachment?: MessageAttachment;
  createdAt: string;
  /** For a channel that writes to people one by one (in-app; e-mail with `to_recipients`): the people who take it now. */
  recipients?: { userId: number; name: string; email: string | null }[];
}

/**
 * How a failed delivery is classified; decides the backoff and what people are told.
 * Everything except `rejected` concerns the channel as a whole (the next message would fail too).
 */
export type FailureKind =
  | 'auth' // bad key / token / password
  | 'signature' // the service rejected our signature or timestamp
  | 'keyword' // DingTalk/Feishu keyword mode: the keyword is missing
  | 'rate_limit'
  | 'server' // HTTP 5xx or the service's own system error
  | 'network' // connection refused, DNS, TLS
  | 'timeout'
  | 'blocked' // the outbound-address policy refused the address (private, loopback, metadata): nothing was sent
  | 'config' // the channel's configuration is incomplete
  | 'rejected'; // this message was refused (too long, bad format): retrying the channel will not help it

export interface SendResult {
  ok: boolean;
  /** HTTP status or SMTP reply code. */
  status: number | null;
  /** The service's own result code (errcode / code / StatusCode) when it has one. */
  serviceCode?: number | string | null;
  /** The start of the service's answer, kept in the attempt log. */
  snippet: string;
  failure?: FailureKind;
  /** English, for logs and the attempt log. */
  error?: string;
  /** zh-CN, for people, when the outcome has a text of its own (a refused address; an in-app push's reach). */
  userMessage?: string;
  /** Rate limits: when the service says to come back. */
  retryAfterMs?: number;
}

export interface SendContext {
  timeoutMs: number;
  /** Every connection a channel opens goes through this policy (src/outbound). */
  outbound: OutboundPolicy;
  env: NodeJS.ProcessEnv;
  bus: EventEmitter;
}

/** One kind of channel (one file each under channels/). */
export interface ChannelProvider<C = any> {
  kind: ChannelKindName;
  /** Validates the channel's config (after env references are resolved). */
  config: z.ZodType<C>;
  /** Config fields that are secrets: masked in the API and in workspace exports. */
  secretFields: readonly string[];
  /**
   * The robot's whole webhook address pasted where its key or token goes: the field and how to
   * read the key (and the service's address, when it is not the default) out of it.
   */
  webhookField?: { field: string; read(url: URL): Record<string, string> | null };
  send(config: C, message: ChannelMessage, ctx: SendContext): Promise<SendResult>;
}

/**
 * A config with a pasted webhook address (see `webhookField`) split into the key and the
 * service's address; anything else is returned as it is.
 */
export function expandWebhookUrl(provider: ChannelProvider | null | undefined, config: Record<string, unknown>): Record<string, unknown> {
  const spec = provider?.webhookField;
  const value = spec ? config[spec.field] : undefined;
  if (!spec || typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) return config;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return config;
  }
  const read = spec.read(url);
  return read ? { ...config, ...read } : config;
}

export function snippetOf(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
