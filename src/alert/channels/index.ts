import type { ChannelProvider } from './base.ts';
import { dingtalkChannel } from './dingtalk.ts';
import { emailChannel } from './email.ts';
import { feishuChannel } from './feishu.ts';
import { inappChannel } from './inapp.ts';
import { wecomChannel } from './wecom.ts';
import { webhookChannel } from './webhook.ts';

/** Every channel kind. A new kind is a new file plus one line here. */
export const channelProviders: Record<string, ChannelProvider> = Object.fromEntries(
  [wecomChannel, dingtalkChannel, feishuChannel, emailChannel, webhookChannel, inappChannel].map((p) => [p.kind, p]),
);

export const CHANNEL_KINDS = Object.keys(channelProviders);

export function providerOf(kind: string): ChannelProvider | undefined {
  return channelProviders[kind];
}
