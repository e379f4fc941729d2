import { FIELDS, type Field } from './lexer.ts';
import { parseExpression, type RuleNode } from './parser.ts';

/** One place a term matched: the term as written in the rule, the field, and where in it. */
export interface Hit {
  term: string;
  field: Field;
  /** Index into the normalised field text (JavaScript string index). */
  offset: number;
  /** Length of the matched text in the normalised field. */
  length: number;
}

/**
 * A post's fields, normalised (the same normalisation as analysis) and ASCII-lower-cased so
 * that matching ignores case, width and traditional/simplified form. Occurrences are cached
 * on the document so that many rules over one post search each term once.
 */
export interface MatchDoc {
  fields: Record<Field, string>;
  cache: Map<string, number[]>;
}

export type Normalizer = (text: string) => string;

/** Fallback normalisation when the language layer is not involved: Unicode NFKC and spaces. */
export const basicNormalize: Normalizer = (text) => text.normalize('NFKC').replace(/\s+/g, ' ').trim();

export function lowerAscii(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export function prepareDoc(input: { title?: string | null; text?: string | null; author?: string | null; source?: string | null }, normalize: Normalizer = basicNormalize): MatchDoc {
  const f = (v: string | null | undefined) => (v ? lowerAscii(normalize(v)) : '');
  return { fields: { title: f(input.title), text: f(input.text), author: f(input.author), source: f(input.source) }, cache: new Map() };
}

/** Documents whose fields were normalised already (the analyzer normalises once per post). */
export function docFromNormalized(fields: Record<Field, string>): MatchDoc {
  const lower = {} as Record<Field, string>;
  for (const k of FIELDS) lower[k] = lowerAscii(fields[k] ?? '');
  return { fields: lower, cache: new Map() };
}

const MAX_OCCURRENCES = 20;
const DEFAULT_FIELDS: Field[] = ['title', 'text'];

interface Result {
  ok: boolean;
  hits: Hit[];
}

const NO: Result = { ok: false, hits: [] };

/** A compiled expression: parse once, match many posts. */
export class RuleMatcher {
  readonly ast: RuleNode;
  private readonly needles = new Map<RuleNode, string>();

  constructor(
    readonly expression: string,
    normalize: Normalizer = basicNormalize,
  ) {
    this.ast = parseExpression(expression);
    this.prepare(this.ast, normalize);
  }

  private prepare(n: RuleNode, normalize: Normalizer): void {
    if (n.kind === 'term') this.needles.set(n, lowerAscii(normalize(n.value)));
    else if (n.kind === 'and' || n.kind === 'or') n.children.forEach((c) => this.prepare(c, normalize));
    else if (n.kind === 'not') this.prepare(n.child, normalize);
    else {
      this.prepare(n.left, normalize);
      this.prepare(n.right, normalize);
    }
  }

  /** The hits when the post matches, else null. */
  match(doc: MatchDoc): Hit[] | null {
    const r = this.eval(this.ast, doc);
    return r.ok ? dedupe(r.hits) : null;
  }

  private occurrences(doc: MatchDoc, field: Field, needle: string): number[] {
    if (!needle) return [];
    const key = `${field}\u0000${needle}`;
    let found = doc.cache.get(key);
    if (found) return found;
    found = [];
    const hay = doc.fields[field];
    let at = hay.indexOf(needle);
    while (at >= 0 && found.length < MAX_OCCURRENCES) {
      found.push(at);
      at = hay.indexOf(needle, at + needle.length);
    }
    doc.cache.set(key, found);
    return found;
  }

  private termHits(n: Extract<RuleNode, { kind: 'term' }>, doc: MatchDoc): Hit[] {
    const needle = this.needles.get(n)!;
    const hits: Hit[] = [];
    for (const field of n.fields ?? DEFAULT_FIELDS) {
      for (const offset of this.occurrences(doc, field, needle)) hits.push({ term: n.value, field, offset, length: needle.length });
    }
    return hits;
  }

  private eval(n: RuleNode, doc: MatchDoc): Result {
    switch (n.kind) {
      case 'term': {
        const hits = this.termHits(n, doc);
        return hits.length ? { ok: true, hits } : NO;
      }
      case 'and': {
        const hits: Hit[] = [];
        for (const c of n.children) {
          const r = this.eval(c, doc);
          if (!r.ok) return NO;
          hits.push(...r.hits);
        }
        return { ok: true, hits };
      }
      case 'or': {
        const hits: Hit[] = [];
        let ok = false;
        for (const c of n.children) {
          const r = this.eval(c, doc);
          if (r.ok) {
            ok = true;
            hits.push(...r.hits);
          }
        }
        return ok ? { ok, hits } : NO;
      }
      case 'not':
        return this.eval(n.child, doc).ok ? NO : { ok: true, hits: [] };
      case 'near':
        return this.near(n, doc);
    }
  }

  /**
   * NEAR/n: an occurrence of the left side and one of the right side in the same field with at
   * most n characters between them (either order; overlapping counts as adjacent).
   */
  private near(n: Extract<RuleNode, { kind: 'near' }>, doc: MatchDoc): Result {
    const left = this.eval(n.left, doc);
    if (!left.ok) return NO;
    const right = this.eval(n.right, doc);
    if (!right.ok) return NO;
    const hits: Hit[] = [];
    for (const a of left.hits) {
      for (const b of right.hits) {
        if (a.field !== b.field) continue;
        const gap = Math.max(b.offset - (a.offset + a.length), a.offset - (b.offset + b.length));
        if (gap <= n.distance) hits.push(a, b);
      }
    }
    return hits.length ? { ok: true, hits } : NO;
  }
}

function dedupe(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  const out: Hit[] = [];
  for (const h of hits) {
    const k = `${h.field}:${h.offset}:${h.length}:${h.term}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(h);
  }
  return out.sort((a, b) => (a.field === b.field ? a.offset - b.offset : FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field)));
}

export function compileExpression(expression: string, normalize?: Normalizer): RuleMatcher {
  return new RuleMatcher(expression, normalize);
}
