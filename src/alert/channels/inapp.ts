import { z } from 'zod';
import { ROLES } from '../../auth/roles.ts';
import { jsonColumn } from '../../db/values.ts';
import { t } from '../../i18n/index.ts';
import type { ChannelProvider, SendResult } from './base.ts';

/** The bus event carrying a delivered in-app alert to the console's live streams (SSE). */
export const INAPP_EVENT = 'alert.inapp';

export interface InappEvent {
  channelId: number;
  alertIds: number[];
  departmentId: number | null;
  roles: string[] | null;
  /** The people who take it at once (null: everyone the channel and the department allow). */
  recipients: number[] | null;
  kind: string;
  level: string;
  title: string;
  body: string;
  links: { label: string; url: string }[];
  at: string;
}

/**
 * In-app (console): the alert is stored (the unread list reads it) and pushed live to open
 * consoles. `roles` limits who sees it (e.g. [leader] for the leaders' channel); department
 * scoping follows the alert's department as for every other record.
 */
const config = z
  .object({
    roles: z.array(z.enum(ROLES)).optional(),
  })
  .strict();

/** `channels.config` of an in-app channel. */
export const inappConfigJson = jsonColumn('channels.config (inapp)', config);

export const inappChannel: ChannelProvider<z.infer<typeof config>> = {
  kind: 'inapp',
  config,
  secretFields: [],
  async send(cfg, m, ctx): Promise<SendResult> {
    const event: InappEvent = {
      channelId: m.channelId,
      alertIds: m.alertIds,
      departmentId: m.departmentId,
      roles: cfg.roles ?? null,
      recipients: m.recipients ? m.recipients.map((r) => r.userId) : null,
      kind: m.kind,
      level: m.level,
      title: m.title,
      body: m.body,
      links: m.links,
      at: new Date().toISOString(),
    };
    const listeners = ctx.bus.listenerCount(INAPP_EVENT);
    ctx.bus.emit(INAPP_EVENT, event);
    return { ok: true, status: null, snippet: `stored; pushed live to ${listeners} open console(s)`, userMessage: t('alert.test.inappOk', { n: listeners }) };
  },
};
