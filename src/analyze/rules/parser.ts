import { tokenize, type Field, type Token } from './lexer.ts';
import { RuleSyntaxError } from './syntax-error.ts';

/** The parsed form of a watch-rule expression. Positions are 0-based into the expression. */
export type RuleNode =
  | { kind: 'term'; value: string; phrase: boolean; fields: Field[] | null; pos: number; fieldPos?: number }
  | { kind: 'and'; children: RuleNode[] }
  | { kind: 'or'; children: RuleNode[] }
  | { kind: 'not'; child: RuleNode; pos: number }
  | { kind: 'near'; left: RuleNode; right: RuleNode; distance: number; pos: number };

export const MAX_EXPRESSION_LENGTH = 2000;
const MAX_DEPTH = 40;

/**
 * Parses a watch-rule expression. Precedence, from loosest to tightest: OR (`|`), AND (`&`,
 * or two conditions side by side), NEAR/n, NOT (`-`), then field scope, terms, phrases and
 * parentheses. Throws RuleSyntaxError with the 1-based character position.
 */
export function parseExpression(src: string): RuleNode {
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new RuleSyntaxError('tooLong', MAX_EXPRESSION_LENGTH + 1, `expression longer than ${MAX_EXPRESSION_LENGTH} characters`, { max: MAX_EXPRESSION_LENGTH });
  }
  const tokens = tokenize(src);
  if (tokens.length === 1) throw new RuleSyntaxError('empty', 1, 'empty expression');
  const p = new Parser(tokens);
  const root = p.parseOr(0);
  const rest = p.peek();
  if (rest.type === 'rparen') throw new RuleSyntaxError('unexpectedRightParen', rest.pos + 1, 'unmatched closing parenthesis');
  if (rest.type !== 'eof') throw unexpected(rest);
  if (!positive(root)) throw new RuleSyntaxError('onlyNegative', 1, 'the expression only excludes; it needs at least one term to match');
  return root;
}

function label(t: Token): string {
  if (t.type === 'word' || t.type === 'phrase') return t.value;
  if (t.type === 'field') return `${t.name}:`;
  return t.text || t.type;
}

function unexpected(t: Token): RuleSyntaxError {
  return new RuleSyntaxError('unexpected', t.pos + 1, `unexpected "${label(t)}"`, { token: label(t) });
}

/** Whether the node can match on the presence of something (not only on absence). */
function positive(n: RuleNode): boolean {
  switch (n.kind) {
    case 'term':
    case 'near':
      return true;
    case 'not':
      return false;
    case 'and':
      return n.children.some(positive);
    case 'or':
      return n.children.every(positive);
  }
}

const STARTS_OPERAND = new Set(['word', 'phrase', 'field', 'lparen', 'not']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }

  private operand(op: Token, depth: number, parse: (depth: number) => RuleNode): RuleNode {
    const t = this.peek();
    if (!STARTS_OPERAND.has(t.type)) {
      throw new RuleSyntaxError('missingOperand', op.pos + 1, `"${label(op)}" has no condition on its right`, { op: label(op), side: 'right' });
    }
    return parse.call(this, depth);
  }

  parseOr(depth: number): RuleNode {
    this.leadingOperator();
    const children = [this.parseAnd(depth)];
    while (this.peek().type === 'or') {
      const op = this.next();
      children.push(this.operand(op, depth, this.parseAnd));
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  /** An OR / AND / NEAR where a condition should start has nothing on its left. */
  private leadingOperator(): void {
    const t = this.peek();
    if (t.type === 'or' || t.type === 'and' || t.type === 'near') {
      throw new RuleSyntaxError('missingOperand', t.pos + 1, `"${label(t)}" has no condition on its left`, { op: label(t), side: 'left' });
    }
  }

  parseAnd(depth: number): RuleNode {
    this.leadingOperator();
    const children = [this.parseNear(depth)];
    for (;;) {
      const t = this.peek();
      if (t.type === 'and') {
        this.next();
        if (this.peek().type === 'or' || this.peek().type === 'and') throw this.missingRight(t);
        children.push(this.operand(t, depth, this.parseNear));
      } else if (STARTS_OPERAND.has(t.type)) {
        children.push(this.parseNear(depth));
      } else break;
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private missingRight(op: Token): RuleSyntaxError {
    return new RuleSyntaxError('missingOperand', op.pos + 1, `"${label(op)}" has no condition on its right`, { op: label(op), side: 'right' });
  }

  parseNear(depth: number): RuleNode {
    let left = this.parseUnary(depth);
    while (this.peek().type === 'near') {
      const op = this.next() as Extract<Token, { type: 'near' }>;
      const right = this.operand(op, depth, this.parseUnary);
      if (!positional(left) || !positional(right)) {
        throw new RuleSyntaxError('nearOperand', op.pos + 1, 'NEAR takes terms, phrases or terms joined by OR on both sides');
      }
      left = { kind: 'near', left, right, distance: op.distance, pos: op.pos };
    }
    return left;
  }

  parseUnary(depth: number): RuleNode {
    const t = this.peek();
    if (t.type === 'not') {
      this.next();
      const child = this.operand(t, depth, this.parseUnary);
      return { kind: 'not', child, pos: t.pos };
    }
    return this.parsePrimary(depth);
  }

  parsePrimary(depth: number, fields: Field[] | null = null, fieldPos?: number): RuleNode {
    if (depth > MAX_DEPTH) throw new RuleSyntaxError('tooDeep', this.peek().pos + 1, 'parentheses nested too deeply');
    const t = this.next();
    switch (t.type) {
      case 'word':
        return { kind: 'term', value: t.value, phrase: false, fields, pos: t.pos, fieldPos };
      case 'phrase':
        return { kind: 'term', value: t.value, phrase: true, fields, pos: t.pos, fieldPos };
      case 'field': {
        if (fields) throw new RuleSyntaxError('nestedField', t.pos + 1, 'field scopes cannot be nested');
        const n = this.peek();
        if (n.type !== 'word' && n.type !== 'phrase' && n.type !== 'lparen' && n.type !== 'field') {
          throw new RuleSyntaxError('fieldWithoutTerm', t.pos + 1, `no search term after "${t.name}:"`, { field: t.name });
        }
        return this.parsePrimary(depth, [t.field], t.pos);
      }
      case 'lparen': {
        if (this.peek().type === 'rparen') throw new RuleSyntaxError('emptyGroup', t.pos + 1, 'empty parentheses');
        const inner = this.parseOr(depth + 1);
        const close = this.peek();
        if (close.type !== 'rparen') {
          if (close.type === 'eof') {
            throw new RuleSyntaxError('missingRightParen', close.pos + 1, `missing ")" for the "(" at character ${t.pos + 1}`, { open: t.pos + 1 });
          }
          throw unexpected(close);
        }
        this.next();
        return fields ? scope(inner, fields, t.pos) : inner;
      }
      case 'rparen':
        throw new RuleSyntaxError('unexpectedRightParen', t.pos + 1, 'unmatched closing parenthesis');
      default:
        throw unexpected(t);
    }
  }
}

function positional(n: RuleNode): boolean {
  if (n.kind === 'term') return true;
  if (n.kind === 'or') return n.children.every(positional);
  return false;
}

/** Applies a field scope to every term of a parenthesised group. */
function scope(n: RuleNode, fields: Field[], pos: number): RuleNode {
  switch (n.kind) {
    case 'term':
      if (n.fields) throw new RuleSyntaxError('nestedField', (n.fieldPos ?? n.pos) + 1, 'field scopes cannot be nested');
      return { ...n, fields };
    case 'and':
    case 'or':
      return { ...n, children: n.children.map((c) => scope(c, fields, pos)) };
    case 'not':
      return { ...n, child: scope(n.child, fields, pos) };
    case 'near':
      return { ...n, left: scope(n.left, fields, pos), right: scope(n.right, fields, pos) };
  }
}

/** Every term of an expression (for highlighting and for listing what a rule looks for). */
export function termsOf(n: RuleNode, negated = false, out: { value: string; negated: boolean }[] = []) {
  switch (n.kind) {
    case 'term':
      out.push({ value: n.value, negated });
      break;
    case 'and':
    case 'or':
      for (const c of n.children) termsOf(c, negated, out);
      break;
    case 'not':
      termsOf(n.child, !negated, out);
      break;
    case 'near':
      termsOf(n.left, negated, out);
      termsOf(n.right, negated, out);
  }
  return out;
}
