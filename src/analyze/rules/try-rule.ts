import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../auth/actor.ts';
import { assertCan, departmentScope } from '../../auth/policy.ts';
import type { Database } from '../../db/schema.ts';
import { normalize } from '../language.ts';
import type { Field } from './lexer.ts';
import { prepareDoc, RuleMatcher, type Hit } from './matcher.ts';
import { termsOf } from './parser.ts';
import { RuleSyntaxError } from './syntax-error.ts';
import { shapeOf } from '../../shapes.ts';
import { RISK_LEVELS } from '../../levels.ts';

/** "Test this expression against recent posts": the console's live rule editor. */
export const tryRuleInput = z.object({
  expression: z.string().min(1).max(2000),
  /** Limit to these source names (the rule's scope). */
  sources: z.array(z.string()).max(200).optional(),
  /** How far back to look (days, default 7). */
  days: z.number().int().min(1).max(365).optional(),
  /** Most matching posts returned (default 50). */
  limit: z.number().int().min(1).max(500).optional(),
});
export type TryRuleInput = z.infer<typeof tryRuleInput>;

const SCAN_LIMIT = 5000;

/** The normalised field text with the matched ranges, for highlighting. */
export interface Highlight {
  text: string;
  ranges: [number, number][];
}

export function highlights(doc: Record<Field, string>, hits: Hit[]): Partial<Record<Field, Highlight>> {
  const out: Partial<Record<Field, Highlight>> = {};
  for (const h of hits) {
    const entry = (out[h.field] ??= { text: doc[h.field], ranges: [] });
    entry.ranges.push([h.offset, h.offset + h.length]);
  }
  for (const e of Object.values(out)) {
    e.ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of e.ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    e.ranges = merged;
  }
  return out;
}

/** Whether an expression parses; the error carries the 1-based position and a zh-CN message. */
export function checkExpression(expression: string) {
  try {
    const terms = termsOf(new RuleMatcher(expression, normalize).ast);
    return { ok: true as const, terms };
  } catch (err) {
    if (!(err instanceof RuleSyntaxError)) throw err;
    return { ok: false as const, error: { position: err.position, code: err.syntax, message: err.userMessage, detail: err.message } };
  }
}

export async function tryRule(db: Kysely<Database>, actor: Actor, input: TryRuleInput) {
  assertCan(actor, 'rules.manage');
  const data = tryRuleInput.parse(input);
  const matcher = new RuleMatcher(data.expression, normalize);
  const since = new Date(Date.now() - (data.days ?? 7) * 86400_000).toISOString();
  let q = db
    .selectFrom('posts')
    .innerJoin('sources', 'sources.id', 'posts.source_id')
    .select(['posts.id', 'posts.title', 'posts.text', 'posts.author', 'posts.url', 'posts.published_at', 'posts.fetched_at', 'posts.risk_level', 'sources.name as source'])
    .where('posts.fetched_at', '>=', since)
    .where(departmentScope(actor, 'posts.department_id'))
    .orderBy('posts.fetched_at', 'desc')
    .limit(SCAN_LIMIT);
  if (data.sources?.length) q = q.where('sources.name', 'in', data.sources);
  const rows = await q.execute();
  const limit = data.limit ?? 50;
  const matches = [];
  let total = 0;
  for (const r of rows) {
    const doc = prepareDoc({ title: r.title, text: r.text, author: r.author, source: r.source }, normalize);
    const hits = matcher.match(doc);
    if (!hits) continue;
    total++;
    if (matches.length >= limit) continue;
    const shown = { title: normalize(r.title), text: normalize(r.text), author: normalize(r.author ?? ''), source: normalize(r.source) };
    matches.push({
      post: { id: r.id, title: r.title, source: r.source, url: r.url, published_at: r.published_at, fetched_at: r.fetched_at, risk_level: r.risk_level },
      hits,
      highlights: highlights(shown, hits),
    });
  }
  return { expression: data.expression, scanned: rows.length, matched: total, since, matches };
}

const termsSchema = z.array(z.object({ value: z.string(), negated: z.boolean() }));
const FIELDS = ['title', 'text', 'author', 'source'] as const satisfies readonly Field[];
const hitSchema = shapeOf<Hit>()({ term: z.string(), field: z.enum(FIELDS), offset: z.number().describe('index into the normalised field text'), length: z.number() });

/** The expression's terms, or the error with its 1-based character position. */
export const expressionCheckSchema = z.union([
  z.object({ ok: z.literal(true), terms: termsSchema }),
  z.object({ ok: z.literal(false), error: z.object({ position: z.number(), code: z.string(), message: z.string().describe('zh-CN'), detail: z.string() }) }),
]);

type Tried = Awaited<ReturnType<typeof tryRule>>;

/** Recent posts the expression matches, with the hits and highlight ranges. */
export const tryRuleResultSchema = shapeOf<Tried>()({
  expression: z.string(),
  scanned: z.number(),
  matched: z.number(),
  since: z.string(),
  matches: z.array(
    shapeOf<Tried['matches'][number]>()({
      post: shapeOf<Tried['matches'][number]['post']>()({ id: z.number(), title: z.string(), source: z.string(), url: z.string().nullable(), published_at: z.string().nullable(), fetched_at: z.string(), risk_level: z.enum(RISK_LEVELS).nullable() }),
      hits: z.array(hitSchema),
      highlights: z.partialRecord(z.enum(FIELDS), shapeOf<Highlight>()({ text: z.string(), ranges: z.array(z.tuple([z.number(), z.number()])) })),
    }),
  ),
});
