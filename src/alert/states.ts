import { ConflictError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { TransitionTable } from '../transitions.ts';

/**
 * The delivery status of an alert and the one table of allowed moves (delivery.ts changes it
 * only through this table): a pending alert is claimed (sending) just before its send, then
 * sent, put back to pending for a retry, given up (failed), or folded into a digest. A claim
 * whose process died is claimed again once its lease expired (sending → sending).
 */
export const ALERT_STATUSES = ['pending', 'sending', 'sent', 'failed', 'digested'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export type AlertCommand = 'claim' | 'deliver' | 'retry' | 'giveUp' | 'fold';

export const ALERT_MOVES = new TransitionTable<AlertStatus, AlertCommand>(
  ALERT_STATUSES,
  {
    claim: { from: ['pending', 'sending'], to: 'sending' },
    deliver: { from: ['sending'], to: 'sent' },
    retry: { from: ['sending'], to: 'pending' },
    giveUp: { from: ['sending'], to: 'failed' },
    fold: { from: ['pending', 'sending'], to: 'digested' },
  },
  (state, command) =>
    new ConflictError(`alert is ${state}, cannot ${command}`, t('alert.error.illegalMove', { state: t(`alert.status.${state}`), command: t(`alert.command.${command}`) })),
);

/**
 * Whether people have taken notice of an alert's matter, from `acknowledged_at` and
 * `escalated_at`: open, escalated (nobody acknowledged in time), acknowledged. Acknowledging
 * stops escalation; an escalated matter can still be acknowledged.
 */
export const ALERT_ATTENTION = ['open', 'escalated', 'acknowledged'] as const;
export type AlertAttention = (typeof ALERT_ATTENTION)[number];

export type AttentionCommand = 'acknowledge' | 'escalate';

export const ATTENTION_MOVES = new TransitionTable<AlertAttention, AttentionCommand>(
  ALERT_ATTENTION,
  {
    acknowledge: { from: ['open', 'escalated'], to: 'acknowledged' },
    escalate: { from: ['open'], to: 'escalated' },
  },
  (state, command) =>
    new ConflictError(`alert is ${state}, cannot ${command}`, t('alert.error.illegalMove', { state: t(`alert.attention.${state}`), command: t(`alert.command.${command}`) })),
);

export function attentionOf(a: { acknowledged_at: string | null; escalated_at: string | null }): AlertAttention {
  return a.acknowledged_at !== null ? 'acknowledged' : a.escalated_at !== null ? 'escalated' : 'open';
}
