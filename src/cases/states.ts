import type { Action } from '../auth/policy.ts';
import { ConflictError } from '../errors.ts';
import { z } from 'zod';
import { t } from '../i18n/index.ts';

/** The case states (DESIGN §4) and the one table of allowed moves between them. */
export const CASE_STATES = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'replied', 'following_up', 'closed', 'escalated'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which the case still owes its first answer (the deadline clock runs). */
export const ANSWER_PENDING: readonly CaseState[] = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'returned', 'escalated'];

export type CaseCommand = 'assign' | 'draft' | 'submit' | 'approve' | 'return' | 'recordReply' | 'replyFound' | 'follow' | 'close' | 'escalate';

export interface Move {
  from: readonly CaseState[];
  /** null: the state does not change (e.g. an approval waits for the reply to be posted). */
  to: CaseState | null;
  permission: Action;
}

export const TRANSITIONS: Record<CaseCommand, Move> = {
  assign: { from: ['triage', 'assigned', 'escalated'], to: 'assigned', permission: 'cases.assign' },
  draft: { from: ['assigned', 'drafting', 'returned', 'escalated', 'replied', 'following_up'], to: 'drafting', permission: 'cases.draft' },
  submit: { from: ['drafting', 'returned'], to: 'awaiting_approval', permission: 'cases.draft' },
  approve: { from: ['awaiting_approval'], to: null, permission: 'cases.approve' },
  return: { from: ['awaiting_approval'], to: 'returned', permission: 'cases.approve' },
  recordReply: { from: ['awaiting_approval'], to: 'replied', permission: 'cases.recordReply' },
  /** Collection found a registered account's reply on the case's thread (verify.ts): the ledger records it itself. */
  replyFound: { from: ANSWER_PENDING, to: 'replied', permission: 'cases.assign' },
  follow: { from: ['replied'], to: 'following_up', permission: 'cases.follow' },
  close: { from: ['replied', 'following_up'], to: 'closed', permission: 'cases.close' },
  escalate: { from: ['triage', 'assigned', 'drafting', 'returned', 'awaiting_approval', 'following_up'], to: 'escalated', permission: 'cases.escalate' },
};

/** The transition table as the API sends it. */
export const transitionTableSchema = z.record(
  z.enum(Object.keys(TRANSITIONS) as [CaseCommand, ...CaseCommand[]]),
  z.object({ from: z.array(z.enum(CASE_STATES)).readonly(), to: z.enum(CASE_STATES).nullable().describe('null: the state does not change'), permission: z.string() }),
);

export function stateLabel(state: string): string {
  return t(`case.state.${state}`);
}

export function commandLabel(command: CaseCommand): string {
  return t(`case.command.${command}`);
}

export function canMove(state: string, command: CaseCommand): boolean {
  return (TRANSITIONS[command].from as readonly string[]).includes(state);
}

/** Throws the zh-CN "当前状态“已回复”不能执行“审核通过”" error for a move the table does not allow. */
export function assertMove(state: string, command: CaseCommand): CaseState {
  if (!canMove(state, command)) {
    throw new ConflictError(`case in state ${state} cannot ${command}`, t('case.error.illegalMove', { state: stateLabel(state), command: commandLabel(command) }));
  }
  return (TRANSITIONS[command].to ?? state) as CaseState;
}

/** Moves the ledger makes by itself (verify.ts), never offered to people. */
export const AUTOMATIC_COMMANDS: readonly CaseCommand[] = ['replyFound'];

/** Commands the table allows from a state that people make (the console shows these as buttons). */
export function movesFrom(state: string): CaseCommand[] {
  return (Object.keys(TRANSITIONS) as CaseCommand[]).filter((c) => canMove(state, c) && !AUTOMATIC_COMMANDS.includes(c));
}
