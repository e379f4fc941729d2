import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { idfIndex } from '../analyze/text/idf.ts';
import { isKeywordCandidate, STOPWORDS } from '../analyze/text/keywords.ts';
import { hashToken } from '../analyze/learn/features.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, assertSeesDepartment } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { threadRead } from '../db/read-thread.ts';
import { nowIso } from '../db/values.ts';
import { NotFoundError } from '../errors.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import { RISK_LEVELS } from '../levels.ts';
import { shapeOf } from '../shapes.ts';
import { caseScope, visibleCase } from './access.ts';
import { CASE_STATES, type CaseState } from './states.ts';
import { RESPONSE_KINDS } from './vocabulary.ts';

/**
 * Past cases at hand (issue 21, no model needed): for a post or a case, the most similar cases
 * that were answered, with their approved reply, outcome and department, so that a responder
 * starts from what the office already said about the same matter.
 *
 * Each answered case is a TF-IDF vector over the words its posts were segmented into at analysis
 * (`posts.segmented`; jieba's IDF table, the one the keywords use), cut to its TERMS_PER_CASE
 * strongest words and normalised, and stored as rows of `case_terms` (term hash, case, weight).
 * A lookup takes the QUERY_TERMS strongest words of the post (or the case), sums the products of
 * the weights case by case through the (term, case_id) primary key — the cosine of the two
 * vectors — among the cases the viewer may see, and answers the best. The index catches up with
 * newly answered cases every minute (`cases.similar-index`), so the lookup itself never writes.
 */

/** States in which a case was answered: its reply was approved (and usually posted). */
export const ANSWERED_STATES: readonly CaseState[] = ['replied', 'following_up', 'closed'];
/** 48 and 24 were the best of 32/16, 48/24, 64/24 and 96/32 on the teddycup evaluation for the time they take (bench/similar-cases.ts). */
export const TERMS_PER_CASE = 48;
export const QUERY_TERMS = 24;
/** Words this rare in the case are dropped from its vector (a fraction of its strongest weight). */
const MIN_RELATIVE = 0.05;
/** Case posts read to build a case's vector. */
const POSTS_PER_CASE = 5;

export interface Term {
  term: number;
  word: string;
  weight: number;
}

/**
 * The `top` strongest words of segmented texts (space-separated tokens), as a unit vector:
 * weight = (1 + ln tf) · idf, stopwords and single characters left out.
 */
export function termVector(segmented: readonly string[], top: number): Term[] {
  const idf = idfIndex();
  const tf = new Map<string, number>();
  for (const text of segmented) {
    for (const tok of text.split(' ')) {
      if (!tok || !isKeywordCandidate(tok) || STOPWORDS.has(tok)) continue;
      tf.set(tok, (tf.get(tok) ?? 0) + 1);
    }
  }
  const terms: Term[] = [];
  for (const [word, n] of tf) {
    const term = hashToken(word);
    terms.push({ term, word, weight: (1 + Math.log(n)) * idf.get(term) });
  }
  terms.sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word));
  const kept: Term[] = [];
  const seen = new Set<number>();
  for (const t of terms) {
    if (kept.length >= top) break;
    if (seen.has(t.term) || t.weight < terms[0].weight * MIN_RELATIVE) continue;
    seen.add(t.term);
    kept.push(t);
  }
  const norm = Math.sqrt(kept.reduce((s, t) => s + t.weight * t.weight, 0)) || 1;
  return kept.map((t) => ({ ...t, weight: t.weight / norm }));
}

/** The segmented texts of a case's posts (the first few linked). */
async function caseTexts(db: Kysely<Database>, caseIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (caseIds.length === 0) return out;
  const rows = await db
    .selectFrom('case_posts')
    .innerJoin('posts', 'posts.id', 'case_posts.post_id')
    .select(['case_posts.case_id', 'posts.segmented'])
    .where('case_posts.case_id', 'in', caseIds)
    .where('posts.segmented', 'is not', null)
    .orderBy('case_posts.case_id')
    .orderBy('posts.id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.case_id) ?? [];
    if (list.length < POSTS_PER_CASE) list.push(r.segmented as string);
    out.set(r.case_id, list);
  }
  return out;
}

/**
 * Indexes answered cases not indexed yet, or changed since they were (up to `limit`, oldest
 * first); answers how many. Run by the `cases.similar-index` task; tests and benchmarks call it.
 */
export async function indexSimilarCases(db: Kysely<Database>, limit = 2000): Promise<number> {
  const due = await db
    .selectFrom('cases')
    .leftJoin('case_term_index', 'case_term_index.case_id', 'cases.id')
    .select('cases.id')
    .where('cases.state', 'in', ANSWERED_STATES)
    .where((eb) => eb.or([eb('case_term_index.case_id', 'is', null), eb('case_term_index.indexed_at', '<', eb.ref('cases.updated_at'))]))
    .orderBy('cases.id')
    .limit(limit)
    .execute();
  let done = 0;
  for (let i = 0; i < due.length; i += 500) {
    const ids = due.slice(i, i + 500).map((r) => r.id);
    const texts = await caseTexts(db, ids);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('case_terms').where('case_id', 'in', ids).execute();
      await trx.deleteFrom('case_term_index').where('case_id', 'in', ids).execute();
      const now = nowIso();
      const rows: { term: number; case_id: number; weight: number }[] = [];
      const marks: { case_id: number; indexed_at: string; terms: number }[] = [];
      for (const id of ids) {
        const vector = termVector(texts.get(id) ?? [], TERMS_PER_CASE);
        for (const t of vector) rows.push({ term: t.term, case_id: id, weight: t.weight });
        marks.push({ case_id: id, indexed_at: now, terms: vector.length });
      }
      for (let j = 0; j < rows.length; j += 2000) await trx.insertInto('case_terms').values(rows.slice(j, j + 2000)).execute();
      await trx.insertInto('case_term_index').values(marks).execute();
    });
    done += ids.length;
  }
  return done;
}

export const similarIndexTask: PeriodicTask = {
  name: 'cases.similar-index',
  intervalMs: 60_000,
  async run(ctx) {
    const n = await indexSimilarCases(ctx.db.kysely);
    if (n) ctx.log.info({ cases: n }, 'similar-case index caught up');
  },
};

/** Statuses of a reply that was approved. */
const APPROVED = ['approved', 'posted'] as const;

const similarReplySchema = z.object({
  id: z.number(),
  kind: z.enum(RESPONSE_KINDS),
  body: z.string(),
  department: z.string().nullable(),
  approved_at: z.string().nullable(),
  posted_at: z.string().nullable(),
  verified_at: z.string().nullable().describe('the reply was seen on the thread'),
  url: z.string().nullable(),
});

const similarFeedbackSchema = z.object({
  satisfied: z.number().describe('满意/认可'),
  asking: z.number().describe('继续追问'),
  escalating: z.number().describe('升级苗头'),
});

export interface SimilarCase {
  id: number;
  number: string;
  title: string;
  state: CaseState;
  level: (typeof RISK_LEVELS)[number];
  department: string | null;
  department_phone: string | null;
  opened_at: string;
  closed_at: string | null;
  score: number;
  shared_words: string[];
  reply: z.output<typeof similarReplySchema> | null;
  feedback: z.output<typeof similarFeedbackSchema>;
}

export const similarCaseSchema = shapeOf<SimilarCase>()({
  id: z.number(),
  number: z.string(),
  title: z.string(),
  state: z.enum(CASE_STATES),
  level: z.enum(RISK_LEVELS),
  department: z.string().nullable().describe('the lead department'),
  department_phone: z.string().nullable(),
  opened_at: z.string(),
  closed_at: z.string().nullable(),
  score: z.number().describe('cosine similarity of the word vectors, 0…1'),
  shared_words: z.array(z.string()).describe('the words the two share, strongest first'),
  reply: similarReplySchema.nullable().describe('the latest approved reply'),
  feedback: similarFeedbackSchema.describe('what people said back after the reply'),
});

export const similarAnswerSchema = z.object({
  words: z.array(z.string()).describe('the words the lookup searched by, strongest first'),
  cases: z.array(similarCaseSchema),
});
export type SimilarAnswer = z.output<typeof similarAnswerSchema>;

interface LookupArgs {
  actor: Actor;
  terms: Term[];
  exclude: number[];
  limit: number;
}

/**
 * Rows read per word: the cases where the word weighs most, from the (term, weight, case_id)
 * index. A word shared by tens of thousands of cases adds little to the cosine; bounding its rows
 * bounds the lookup (24 words × 1,000 rows) whatever the size of the ledger.
 */
export const ROWS_PER_TERM = 1000;

/**
 * The ranking: for each query word the answered cases where it weighs most, summed case by case
 * (the cosine, with each word's rows cut at ROWS_PER_TERM), among the cases the actor sees. Runs on a
 * search read thread under `serve`.
 */
const rankSimilar = threadRead(import.meta.url, 'rankSimilar', 'search', async (db, args: LookupArgs): Promise<{ id: number; score: number }[]> => {
  if (args.terms.length === 0) return [];
  const part = (t: Term) =>
    db
      .selectFrom((eb) => eb.selectFrom('case_terms').select(['case_id', 'weight']).where('term', '=', t.term).orderBy('weight', 'desc').limit(ROWS_PER_TERM).as('p'))
      .select(['p.case_id', sql<number>`p.weight * ${sql.lit(t.weight)}`.as('s')]);
  let hits = part(args.terms[0]);
  for (const t of args.terms.slice(1)) hits = hits.unionAll(part(t));
  let q = db
    .selectFrom(hits.as('hits'))
    .innerJoin('cases', 'cases.id', 'hits.case_id')
    .select(['hits.case_id as id', sql<number>`sum(hits.s)`.as('score')])
    .where('cases.state', 'in', ANSWERED_STATES)
    .where(caseScope(args.actor));
  if (args.exclude.length) q = q.where('cases.id', 'not in', args.exclude);
  const rows = await q.groupBy('hits.case_id').orderBy('score', 'desc').orderBy('hits.case_id', 'desc').limit(args.limit).execute();
  return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
});

async function describe(db: Kysely<Database>, ranked: { id: number; score: number }[], terms: Term[]): Promise<SimilarCase[]> {
  if (ranked.length === 0) return [];
  const ids = ranked.map((r) => r.id);
  const cases = await db
    .selectFrom('cases')
    .leftJoin('departments', 'departments.id', 'cases.lead_department_id')
    .select(['cases.id', 'cases.number', 'cases.title', 'cases.state', 'cases.level', 'cases.opened_at', 'cases.closed_at', 'departments.name as department', 'departments.phone as department_phone'])
    .where('cases.id', 'in', ids)
    .execute();
  const replies = await db
    .selectFrom('responses')
    .leftJoin('departments', 'departments.id', 'responses.department_id')
    .select(['responses.id', 'responses.case_id', 'responses.kind', 'responses.body', 'departments.name as department', 'responses.approved_at', 'responses.posted_at', 'responses.verified_at', 'responses.url'])
    .where('responses.case_id', 'in', ids)
    .where('responses.status', 'in', APPROVED)
    .orderBy('responses.id', 'desc')
    .execute();
  const feedback = await db
    .selectFrom('case_feedback')
    .select(['case_id', 'class', (eb) => eb.fn.countAll<string>().as('n')])
    .where('case_id', 'in', ids)
    .groupBy(['case_id', 'class'])
    .execute();
  const shared = await db.selectFrom('case_terms').select(['case_id', 'term']).where('case_id', 'in', ids).where('term', 'in', terms.map((t) => t.term)).execute();
  const order = new Map(terms.map((t, i) => [t.term, i]));
  return ranked.flatMap(({ id, score }) => {
    const c = cases.find((x) => x.id === id);
    if (!c) return [];
    const r = replies.find((x) => x.case_id === id);
    const fb = { satisfied: 0, asking: 0, escalating: 0 };
    for (const f of feedback) if (f.case_id === id && f.class !== 'neutral') fb[f.class] += Number(f.n);
    const words = shared
      .filter((s) => s.case_id === id)
      .map((s) => order.get(s.term) ?? 0)
      .sort((a, b) => a - b)
      .map((i) => terms[i].word);
    const { case_id: _c, ...reply } = r ?? { case_id: 0 };
    return [{ ...c, score: Math.round(score * 1000) / 1000, shared_words: words, reply: r ? (reply as SimilarCase['reply']) : null, feedback: fb }];
  });
}

export interface SimilarOptions {
  limit?: number;
}

/** The answered cases most like a post, among those the actor sees (the post's own cases left out). */
export async function similarCasesForPost(db: Kysely<Database>, actor: Actor, postId: number, opts: SimilarOptions = {}): Promise<SimilarAnswer> {
  assertCan(actor, 'cases.read');
  const post = await db.selectFrom('posts').select(['id', 'department_id', 'segmented']).where('id', '=', postId).executeTakeFirst();
  if (!post) throw new NotFoundError(`post ${postId}`);
  assertSeesDepartment(actor, post.department_id, await officeDepartmentIds(db));
  const own = await db.selectFrom('case_posts').select('case_id').where('post_id', '=', postId).execute();
  return lookup(db, actor, post.segmented ? [post.segmented] : [], own.map((o) => o.case_id), opts);
}

/** The answered cases most like a case (its posts), among those the actor sees. */
export async function similarCasesForCase(db: Kysely<Database>, actor: Actor, caseId: number, opts: SimilarOptions = {}): Promise<SimilarAnswer> {
  assertCan(actor, 'cases.read');
  await visibleCase(db, actor, caseId);
  const texts = (await caseTexts(db, [caseId])).get(caseId) ?? [];
  return lookup(db, actor, texts, [caseId], opts);
}

/** A lookup by segmented texts (the benchmark and the evaluation call it with their own texts). */
export async function lookup(db: Kysely<Database>, actor: Actor, segmented: readonly string[], exclude: number[], opts: SimilarOptions = {}): Promise<SimilarAnswer> {
  const terms = termVector(segmented, QUERY_TERMS);
  const ranked = await rankSimilar(db, { actor, terms, exclude, limit: Math.min(opts.limit ?? 5, 20) });
  return { words: terms.map((t) => t.word), cases: await describe(db, ranked, terms) };
}
