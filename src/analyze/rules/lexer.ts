import { RuleSyntaxError } from './syntax-error.ts';

export type Field = 'title' | 'text' | 'author' | 'source';
export const FIELDS: readonly Field[] = ['title', 'text', 'author', 'source'];

/** Field prefixes, in English and Chinese. */
const FIELD_ALIASES: Record<string, Field> = {
  title: 'title',
  标题: 'title',
  text: 'text',
  body: 'text',
  正文: 'text',
  内容: 'text',
  author: 'author',
  作者: 'author',
  source: 'source',
  来源: 'source',
  信息源: 'source',
};

export const MAX_NEAR = 200;
export const DEFAULT_NEAR = 10;

export type Token =
  | { type: 'word'; value: string; pos: number }
  | { type: 'phrase'; value: string; pos: number }
  | { type: 'field'; field: Field; name: string; pos: number }
  | { type: 'and' | 'or' | 'not' | 'lparen' | 'rparen' | 'eof'; pos: number; text: string }
  | { type: 'near'; distance: number; pos: number; text: string };

const OPEN_QUOTES: Record<string, string> = { '"': '"”', '“': '”"', '「': '」', '＂': '＂"' };
const BREAK = new Set([' ', '\t', '\n', '\r', '\u3000', '(', ')', '（', '）', '"', '“', '”', '「', '」', '＂', '&', '|']);

/** Splits an expression into tokens; positions are 0-based indexes into the expression. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u3000') {
      i++;
      continue;
    }
    if (c === '(' || c === '（') {
      out.push({ type: 'lparen', pos: i, text: c });
      i++;
      continue;
    }
    if (c === ')' || c === '）') {
      out.push({ type: 'rparen', pos: i, text: c });
      i++;
      continue;
    }
    if (c === '&' || c === '|') {
      const j = src[i + 1] === c ? i + 2 : i + 1;
      out.push({ type: c === '&' ? 'and' : 'or', pos: i, text: src.slice(i, j) });
      i = j;
      continue;
    }
    if (c in OPEN_QUOTES) {
      const closers = OPEN_QUOTES[c];
      let j = i + 1;
      while (j < src.length && !closers.includes(src[j])) j++;
      if (j >= src.length) throw new RuleSyntaxError('unclosedQuote', i + 1, 'the quote is not closed');
      const value = src.slice(i + 1, j).replace(/[\s\u3000]+/g, ' ').trim();
      if (!value) throw new RuleSyntaxError('emptyPhrase', i + 1, 'empty phrase');
      out.push({ type: 'phrase', value, pos: i });
      i = j + 1;
      continue;
    }
    if (c === '-' || c === '－') {
      out.push({ type: 'not', pos: i, text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < src.length && !BREAK.has(src[j])) j++;
    lexWord(src.slice(i, j), i, out, src[j]);
    i = j;
  }
  out.push({ type: 'eof', pos: src.length, text: '' });
  return out;
}

function lexWord(word: string, pos: number, out: Token[], next: string | undefined): void {
  if (word === 'AND') return void out.push({ type: 'and', pos, text: word });
  if (word === 'OR') return void out.push({ type: 'or', pos, text: word });
  if (word === 'NOT') return void out.push({ type: 'not', pos, text: word });
  if (word === 'NEAR' || word.startsWith('NEAR/')) {
    const n = word === 'NEAR' ? DEFAULT_NEAR : Number(word.slice(5));
    if (!/^NEAR(\/\d{1,4})?$/.test(word) || !Number.isInteger(n) || n < 1 || n > MAX_NEAR) {
      throw new RuleSyntaxError('badNear', pos + 1, `NEAR distance must be an integer from 1 to ${MAX_NEAR}`, { max: MAX_NEAR });
    }
    return void out.push({ type: 'near', distance: n, pos, text: word });
  }
  const colon = word.search(/[:：]/);
  if (colon > 0) {
    const name = word.slice(0, colon);
    const rest = word.slice(colon + 1);
    const field = FIELD_ALIASES[name.toLowerCase()];
    if (field) {
      out.push({ type: 'field', field, name, pos });
      if (rest) lexWord(rest, pos + colon + 1, out, next);
      else if (next === undefined || /[\s\u3000)）&|]/.test(next)) {
        throw new RuleSyntaxError('fieldWithoutTerm', pos + 1, `no search term after "${name}:"`, { field: name });
      }
      return;
    }
    // A URL such as http://… is a literal term, but a misspelt field (titel:…) is an error.
    if (/^[A-Za-z]+$/.test(name) && !rest.startsWith('//')) {
      throw new RuleSyntaxError('unknownField', pos + 1, `unknown field "${name}"`, { field: name });
    }
  }
  out.push({ type: 'word', value: word, pos });
}
