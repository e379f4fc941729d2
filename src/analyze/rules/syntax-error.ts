import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';

export type SyntaxErrorCode =
  | 'empty'
  | 'tooLong'
  | 'tooDeep'
  | 'unclosedQuote'
  | 'emptyPhrase'
  | 'missingRightParen'
  | 'unexpectedRightParen'
  | 'emptyGroup'
  | 'missingOperand'
  | 'badNear'
  | 'nearOperand'
  | 'unknownField'
  | 'fieldWithoutTerm'
  | 'nestedField'
  | 'onlyNegative'
  | 'unexpected';

/**
 * A watch-rule expression that cannot be parsed. `position` is 1-based (the n-th character of
 * the expression as the user typed it); the user message is zh-CN, `message` English.
 */
export class RuleSyntaxError extends ValidationError {
  constructor(
    readonly syntax: SyntaxErrorCode,
    readonly position: number,
    english: string,
    vars: Record<string, string | number> = {},
  ) {
    const key = `rules.syntax.${syntax}`;
    const filled: Record<string, string | number> = { pos: position, ...vars };
    if (syntax === 'missingOperand') filled.side = t(`rules.syntax.${vars.side === 'left' ? 'left' : 'right'}`);
    super(`expression error at character ${position}: ${english}`, t(key, filled), { code: syntax, position });
  }
}
