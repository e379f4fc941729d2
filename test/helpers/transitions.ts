import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.ts';
import type { TransitionTable } from '../../src/transitions.ts';

/**
 * Checks a transition table against the moves written out by hand (`allowed`: command → from →
 * to): every listed move passes and leads where it says; every other state/command pair is
 * refused with a 409 AppError whose zh-CN message names the state (`label`).
 */
export function assertTable<S extends string, C extends string>(
  table: TransitionTable<S, C>,
  allowed: Record<C, Partial<Record<S, S>>>,
  label: (state: S) => string,
): void {
  assert.deepEqual([...table.commands].sort(), Object.keys(allowed).sort(), 'the commands');
  let passed = 0;
  let refused = 0;
  for (const command of table.commands) {
    for (const state of table.states) {
      const to = allowed[command][state];
      if (to !== undefined) {
        assert.equal(table.next(state, command), to, `${command} from ${state}`);
        passed++;
        continue;
      }
      assert.throws(
        () => table.next(state, command),
        (e: unknown) => e instanceof AppError && e.status === 409 && /\p{Script=Han}/u.test(e.userMessage) && e.userMessage.includes(label(state)),
        `${command} from ${state} must be refused`,
      );
      refused++;
    }
  }
  assert.ok(passed > 0 && refused > 0, 'the table allows some moves and refuses others');
}
