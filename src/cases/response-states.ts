import { ConflictError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { TransitionTable } from '../transitions.ts';

/**
 * The statuses of a response (回复) and the one table of allowed moves between them: drafted,
 * submitted for approval, approved or returned with a comment, then recorded as posted.
 */
export const RESPONSE_STATUSES = ['draft', 'submitted', 'returned', 'approved', 'posted'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export type ResponseCommand = 'edit' | 'attach' | 'submit' | 'approve' | 'return' | 'post';

export const RESPONSE_MOVES = new TransitionTable<ResponseStatus, ResponseCommand>(
  RESPONSE_STATUSES,
  {
    edit: { from: ['draft', 'returned'], to: null },
    /** Pictures may be added until the reply is posted. */
    attach: { from: ['draft', 'submitted', 'returned', 'approved'], to: null },
    submit: { from: ['draft', 'returned'], to: 'submitted' },
    approve: { from: ['submitted'], to: 'approved' },
    return: { from: ['submitted'], to: 'returned' },
    post: { from: ['approved'], to: 'posted' },
  },
  (state, command) => new ConflictError(`response is ${state}, cannot ${command}`, t('case.error.responseState', { state: responseStatusLabel(state) })),
);

export function responseStatusLabel(status: string): string {
  return t(`response.status.${status}`);
}
