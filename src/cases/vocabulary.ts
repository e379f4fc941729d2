import type { CaseCommand } from './states.ts';

/**
 * The kinds the case room stores besides its states (states.ts, response-states.ts,
 * commitment-states.ts). Pure data: the schema reads it.
 */

/** 回复 (three parts), 严正声明 (against a malicious attack), 专门情况说明 (a dedicated post). */
export const RESPONSE_KINDS = ['reply', 'firm', 'statement'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** Where a response row came from: recorded in Minsheng, or a registered account's reply found by collection. */
export const RESPONSE_ORIGINS = ['recorded', 'collected'] as const;
export type ResponseOrigin = (typeof RESPONSE_ORIGINS)[number];

/** What people said back after our reply (feedback.ts): 满意/认可, 继续追问, 升级苗头, or none of these. */
export const FEEDBACK_CLASSES = ['satisfied', 'asking', 'escalating', 'neutral'] as const;
export type FeedbackClass = (typeof FEEDBACK_CLASSES)[number];

/** The clock that sets a case's answer deadline (deadlines.ts), and the other clocks reminders watch. */
export const DEADLINE_KINDS = ['same_day', 'hours_48', 'emergency_5h', 'press_24h', 'instruction_3d'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** 已转办: to the office (coordination) or to a leader (a hard case). */
export const ESCALATION_TARGETS = ['office', 'leader'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** A department's part in a case besides the lead (cases.lead_department_id): 协办. */
export const CASE_DEPARTMENT_ROLES = ['assist'] as const;
export type CaseDepartmentRole = (typeof CASE_DEPARTMENT_ROLES)[number];

/** Case events other than the workflow moves (whose kind is the command). */
export const CASE_NOTE_KINDS = [
  'open',
  'update',
  'join',
  'level',
  'press_conference',
  'overdue',
  'rating',
  'verified',
  'unverified',
  'reply_found',
  'feedback',
  'memo',
  'memo.update',
  'instruction',
  'instruction.handled',
  'commitment',
  'commitment.done',
  'commitment.waived',
] as const;
export type CaseEventKind = CaseCommand | (typeof CASE_NOTE_KINDS)[number];

/** Who owns a stored file: a reply's picture, a memo's Word form, a scheduled report, a brief, a case export. */
export const ATTACHMENT_OWNERS = ['response', 'memo', 'report', 'brief', 'case'] as const;
export type AttachmentOwner = (typeof ATTACHMENT_OWNERS)[number];
