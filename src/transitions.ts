import type { AppError } from './errors.ts';

/**
 * A transition table: for each command, the states it may leave from and the state it leads to
 * (null: the state does not change, e.g. editing a draft). The case workflow (cases/states.ts)
 * and the response, commitment and alert vocabularies each have one; every change of such a
 * state asks its table first (`next`), so a move the table does not list is refused with the
 * table's own error (an AppError with a zh-CN message).
 */
export interface Transition<S extends string> {
  from: readonly S[];
  to: S | null;
}

export class TransitionTable<S extends string, C extends string> {
  constructor(
    /** Every state of the vocabulary. */
    readonly states: readonly S[],
    readonly moves: { readonly [K in C]: Transition<S> },
    /** The error for a move the table does not allow. */
    readonly refuse: (state: string, command: C) => AppError,
  ) {}

  get commands(): C[] {
    return Object.keys(this.moves) as C[];
  }

  can(state: string, command: C): boolean {
    return (this.moves[command].from as readonly string[]).includes(state);
  }

  /** The state after `command` from `state`; throws the table's error when the table does not allow it. */
  next(state: string, command: C): S {
    if (!this.can(state, command)) throw this.refuse(state, command);
    return this.moves[command].to ?? (state as S);
  }

  /** Commands allowed from a state. */
  commandsFrom(state: string): C[] {
    return this.commands.filter((c) => this.can(state, c));
  }
}
