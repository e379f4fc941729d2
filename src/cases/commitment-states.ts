import { ConflictError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { TransitionTable } from '../transitions.ts';

/** The statuses of a commitment (整改承诺) and the one table of allowed moves: open until done or waived. */
export const COMMITMENT_STATUSES = ['open', 'done', 'waived'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export type CommitmentCommand = 'complete' | 'waive';

export const COMMITMENT_MOVES = new TransitionTable<CommitmentStatus, CommitmentCommand>(
  COMMITMENT_STATUSES,
  {
    complete: { from: ['open'], to: 'done' },
    waive: { from: ['open'], to: 'waived' },
  },
  (state, command) => new ConflictError(`commitment is ${state}, cannot ${command}`, t('case.error.commitmentState', { state: t(`commitment.status.${state}`) })),
);
