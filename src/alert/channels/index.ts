import type { ChannelProvider } from './base.ts';
import { dingtalkChannel } from './dingtalk.ts';
import { emailChannel } from './email.ts';
import { feishuChannel } from './feishu.ts';
import { inappChannel } from './inapp.ts';
import { wecomChannel } from './wecom.ts';
import { webhookChannel } from './webhook.ts';
import { CHANNEL_KIND_NAMES, isChannelKindName, type ChannelKindName } from '../vocabulary.ts';

/** Every channel kind. A new kind is a new file, its name in ../vocabulary.ts, and one line here. */
export const channelProviders: Record<ChannelKindName, ChannelProvider> = {
  wecom: wecomChannel,
  dingtalk: dingtalkChannel,
  feishu: feishuChannel,
  email: emailChannel,
  webhook: webhookChannel,
  inapp: inappChannel,
};

export const CHANNEL_KINDS: readonly ChannelKindName[] = CHANNEL_KIND_NAMES;

export function providerOf(kind: string): ChannelProvider | undefined {
  return isChannelKindName(kind) ? channelProviders[kind] : undefined;
}
