/**
 * The words the alert room stores besides the delivery status (states.ts): what an alert is
 * about, and the channels' kinds and audiences. Pure data: the schema reads it.
 */

/** What an alert is about (`alerts.kind`, the `kind` of a Notice). */
export const ALERT_KINDS = [
  /** A risky post, or a post of a risky event (the alert hook). */
  'post',
  'event',
  /** Alerts folded into one message under a flood (delivery). */
  'digest',
  /** A matter nobody acknowledged in time. */
  'escalation',
  'case.assigned',
  'case.escalated',
  'case.review',
  'case.deadline',
  'case.overdue',
  'case.unverified',
  /** An escalation cue in what people wrote after our reply (cases/feedback.ts). */
  'case.feedback',
  /** A 特别重大/重大 case for which the emergency clocks are proposed, for the office to confirm (cases/emergency.ts). */
  'case.emergency',
  'memo.sent',
  'report',
  'source.failing',
  'channel.disabled',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Channel kinds (`channels.kind`); each has its provider file under channels/, registered in channels/index.ts. */
export const CHANNEL_KIND_NAMES = ['wecom', 'dingtalk', 'feishu', 'email', 'webhook', 'inapp'] as const;
export type ChannelKindName = (typeof CHANNEL_KIND_NAMES)[number];

export function isChannelKindName(v: unknown): v is ChannelKindName {
  return typeof v === 'string' && (CHANNEL_KIND_NAMES as readonly string[]).includes(v);
}

/** `channels.audience`: 'department' (normal routing) or 'leaders' (only notices addressed to the leaders). */
export const CHANNEL_AUDIENCES = ['department', 'leaders'] as const;
export type ChannelAudience = (typeof CHANNEL_AUDIENCES)[number];

/**
 * How a person gets an in-app alert (`alert_recipients.mode`): at once, in their next digest (below
 * the level they take at once, or a reference item), or held back in a flood and sent as one digest
 * at the end of the window.
 */
export const RECIPIENT_MODES = ['now', 'digest', 'flood'] as const;
export type RecipientMode = (typeof RECIPIENT_MODES)[number];

/** `alerts.escalation_of` of an escalation sent for several matters in one round: their matter keys, one a line. */
export const ESCALATION_SEPARATOR = '\n';
