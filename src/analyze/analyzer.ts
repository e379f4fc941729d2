import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { getLanguageAnalyzer, normalize, type LanguageAnalyzer, type LanguageResult } from './language.ts';
import { BurstTracker, DEFAULT_BURST, finding, type BurstOptions } from './risk/bursts.ts';
import { DEFAULT_EVENTS, MemoryEventLinker, type EventOptions } from './events/linker.ts';
import { signatureOf } from './events/minhash.ts';
import { matterPairs, matterPlaces } from './events/matter.ts';
import { loadPeriods, matchPeriods, type ActivePeriod, type PeriodMatch } from './risk/periods.ts';
import { assessRisk, findCues, type BurstFinding, type Metrics, type RiskCues, type RiskResult, type Velocity } from './risk/score.ts';
import { loadRoutingContext, routePost, type Routing, type RoutingContext } from './topic/routing.ts';
import { loadCompiledRules, matchRules, type CompiledRule } from './rules/compiled.ts';
import { docFromNormalized, lowerAscii } from './rules/matcher.ts';
import { compileSensitive, getSensitiveTerms, type SensitiveList } from './rules/sensitive.ts';
import type { AnalysisResult, PostInput, RuleMatch } from './types.ts';

/**
 * The analysis of one post (DESIGN §4 "Analyze"): the language layer (normalise, segment,
 * sentiment, abuse, topic, learned department, keywords), then watch rules, watch periods,
 * routing, event linking with bursts, and the risk level — every decision with its reasons.
 *
 * `prepare` does everything that needs no event; `finish` adds the event and bursts and
 * scores the risk. Stored posts (the pipeline step) link events in the database between the
 * two; `analyze` links them in memory (the `minsheng analyze` stream).
 */
export interface PostSubject extends PostInput {
  /** The stored post's source (watch-rule scopes go by it; `source` names it for the rest). */
  sourceId?: number;
  /** Source weight (sources.weight); looked up by name when absent. */
  sourceWeight?: number;
  velocity?: Velocity | null;
}

export interface Prepared {
  id: string | number | undefined;
  /** ISO time of the post: published, else now. */
  at: string;
  /** Whether `at` is the post's own time (bursts are only measured on real times). */
  timed: boolean;
  title: string;
  text: string;
  language: LanguageResult;
  /** Normalised, ASCII-lower-cased title + text (what rules, periods and cues look at). */
  lower: string;
  rules: RuleMatch[];
  periods: PeriodMatch[];
  routing: Routing;
  signature: Uint32Array;
  /**
   * The places and objects the post is about (X路, X小区, X街道, X工程, the dictionary's names;
   * events/matter.ts): events link on them, and they separate matters.
   */
  names: string[];
  /** The matter the title states, as character pairs (events/matter.ts): posts naming one place link when it agrees. */
  matter: string[];
  metrics: Metrics;
  velocity: Velocity | null;
  source: { name: string; weight: number } | null;
  /** Sensitive terms, matters and rumour cues found in the text. */
  cues: RiskCues;
  /** The risk before bursts (bursts need the event, which is linked after). */
  baseRisk: RiskResult | null;
}

/** What crosses a thread boundary: the prepared post without its tokens and texts. */
export function slimPrepared(p: Prepared): Prepared {
  return { ...p, title: '', text: '', lower: '', language: { ...p.language, tokens: [], normalized: '' } };
}

/**
 * A post normalised and cut elsewhere: `normalized` is normalizePost({ title, text }), `tokens` its
 * words, and `signature`, when given, signatureOf(tokens, the analyzer's names).
 */
export interface PreCut {
  title: string;
  text: string;
  normalized: string;
  tokens: string[];
  signature?: Uint32Array;
  /** hashToken of each token (read only while the post is prepared). */
  hashes?: Int32Array;
}

export interface Analyzer {
  readonly language: LanguageAnalyzer | null;
  readonly rules: readonly CompiledRule[];
  readonly brokenRules: readonly { name: string; error: string }[];
  /** Dictionary names that weigh more in signatures (a thread computing signatures needs them). */
  readonly names: ReadonlySet<string>;
  /** `cut`: the post's title and text already normalised, and cut (another thread's work, stream/piped.ts). */
  prepare(post: PostSubject, cut?: PreCut): Prepared;
  finish(p: Prepared, link: { event: number | string | null; bursts: BurstFinding[] }): AnalysisResult;
  /** Stream mode: events and bursts linked in memory across the posts given to this analyzer. */
  analyze(post: PostSubject, cut?: PreCut): AnalysisResult;
  /** Stream mode for a post prepared elsewhere (a worker thread): link in memory, then finish. */
  link(p: Prepared): AnalysisResult;
}

export interface AnalyzerOptions {
  events?: EventOptions;
  bursts?: BurstOptions;
  /** Fixed "now" for posts without a publication time (tests). */
  now?: () => string;
  /** Skip loading the language layer (a stream's main thread, when worker threads prepare posts). */
  withoutLanguage?: boolean;
}

function validIso(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A count from the input: numbers or numeric strings (exports often quote them); anything else is 0. */
const nonNeg = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
};

export async function createAnalyzer(db: Kysely<Database>, options: AnalyzerOptions = {}): Promise<Analyzer> {
  const language = options.withoutLanguage ? null : await getLanguageAnalyzer(db);
  const loaded = await loadCompiledRules(db, normalize);
  const periods: ActivePeriod[] = await loadPeriods(db, normalize);
  const sensitive: SensitiveList = compileSensitive((await getSensitiveTerms(db)).terms, normalize);
  const routing: RoutingContext = await loadRoutingContext(db);
  const weights = new Map((await db.selectFrom('sources').select(['name', 'weight']).execute()).map((s) => [s.name, Number(s.weight)]));
  const names = new Set((await db.selectFrom('dictionary_words').select('word').execute()).map((w) => w.word));
  return composeAnalyzer({ language, rules: loaded.rules, brokenRules: loaded.broken, periods, sensitive, routing, weights, names }, options);
}

/**
 * What the workspace's analyzer is built from, as one short string read in one query: watch rules
 * and their sources, watch periods, departments, taxonomy, sources (names, weights), dictionary
 * words, and every setting (sensitive terms, the language revision that models, dictionary and
 * taxonomy bump). Each writer of these tables changes a count, a largest id, a sum or an
 * `updated_at`, so the string changes whenever the analyzer would; any process (serve, a worker,
 * a read thread) sees it. About 0.1 ms on SQLite: it replaces rebuilding the analyzer (rules
 * compiled, periods and terms normalised: tens of ms) for every pushed batch and every post
 * prepared on the analysis thread (issue 23).
 */
export async function analyzerRevision(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ r: string | null }>`select
    (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), '') || ':' || coalesce(sum(enabled), 0) || ':' || coalesce(sum(length(expression)), 0) || ':' || coalesce(sum(coalesce(department_id, 0)), 0) from watch_rules)
    || '|' || (select count(*) || ':' || coalesce(sum(rule_id), 0) || ':' || coalesce(sum(source_id), 0) from rule_sources)
    || '|' || (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), '') || ':' || coalesce(sum(length(keywords)), 0) from watch_periods)
    || '|' || (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), '') from departments)
    || '|' || (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(coalesce(department_id, 0)), 0) from taxonomy_topics)
    || '|' || (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), '') || ':' || coalesce(sum(weight), 0) from sources)
    || '|' || (select count(*) || ':' || coalesce(max(id), 0) from dictionary_words)
    || '|' || (select count(*) || ':' || coalesce(max(updated_at), '') from settings) as r`.execute(db);
  return rows[0]?.r ?? '';
}

const workspaceAnalyzers = new WeakMap<Kysely<Database>, { revision: string; analyzer: Promise<Analyzer> }>();

/**
 * The workspace's analyzer as it is now, for stored posts (prepare and finish only: its in-memory
 * event linker is never used), built again only when `analyzerRevision` changed.
 */
export async function workspaceAnalyzer(db: Kysely<Database>): Promise<Analyzer> {
  const revision = await analyzerRevision(db);
  const hit = workspaceAnalyzers.get(db);
  if (hit && hit.revision === revision) return hit.analyzer;
  const analyzer = createAnalyzer(db);
  workspaceAnalyzers.set(db, { revision, analyzer });
  analyzer.catch(() => {
    if (workspaceAnalyzers.get(db)?.analyzer === analyzer) workspaceAnalyzers.delete(db);
  });
  return analyzer;
}

export interface AnalyzerParts {
  language: LanguageAnalyzer | null;
  rules: CompiledRule[];
  brokenRules?: { name: string; error: string }[];
  periods: ActivePeriod[];
  sensitive: SensitiveList | null;
  routing: RoutingContext;
  weights?: Map<string, number>;
  /** Dictionary names (places, roads, estates) that weigh more when linking events. */
  names?: Set<string>;
}

/** The analyzer over explicit parts (createAnalyzer loads them from the workspace). */
export function composeAnalyzer(parts: AnalyzerParts, options: AnalyzerOptions = {}): Analyzer {
  const now = options.now ?? (() => new Date().toISOString());
  const linker = new MemoryEventLinker(options.events ?? DEFAULT_EVENTS);
  const tracker = new BurstTracker(options.bursts ?? DEFAULT_BURST);

  const prepare = (post: PostSubject, cut?: PreCut): Prepared => {
    const title = cut ? cut.title : normalize(post.title ?? '');
    const text = cut ? cut.text : normalize(post.text ?? '');
    if (!parts.language) throw new Error('this analyzer was created without the language layer');
    const language = cut ? parts.language.analyzeCut(cut.normalized, cut.tokens, cut.hashes) : parts.language.analyze({ title, text });
    const doc = docFromNormalized({ title, text, author: normalize(post.author ?? ''), source: normalize(post.source ?? '') });
    const lower = lowerAscii(language.normalized);
    const published = validIso(post.published_at);
    const at = published ?? now();
    const rules = matchRules(parts.rules, doc, post.source, post.sourceId);
    const routing = routePost(parts.routing, {
      rules,
      topic: language.topic,
      topicDepartment: language.topicDepartment,
      learnedDepartment: language.learnedDepartment,
      learnedReasons: language.departmentReasons,
    });
    const m = post.metrics ?? {};
    const weight = post.sourceWeight ?? (post.source ? parts.weights?.get(post.source) : undefined) ?? 1;
    const prepared: Prepared = {
      id: post.id,
      at,
      timed: published !== null,
      title,
      text,
      language,
      lower,
      rules,
      periods: matchPeriods(parts.periods, lower, at),
      routing,
      signature: cut?.signature ?? signatureOf(language.tokens, parts.names),
      names: matterPlaces(title, text, language.tokens, parts.names),
      matter: [],
      metrics: { views: nonNeg(m.views), replies: nonNeg(m.replies), likes: nonNeg(m.likes), reposts: nonNeg(m.reposts) },
      velocity: post.velocity ?? null,
      source: post.source ? { name: post.source, weight: Number.isFinite(weight) ? weight : 1 } : null,
      cues: findCues(lower, parts.sensitive),
      baseRisk: null,
    };
    prepared.matter = matterPairs(title, prepared.names, text);
    prepared.baseRisk = riskOf(prepared, []);
    return prepared;
  };

  const riskOf = (p: Prepared, bursts: BurstFinding[]) =>
    assessRisk({
      sentiment: p.language.sentiment,
      abuse: p.language.abuse,
      text: p.lower,
      metrics: p.metrics,
      velocity: p.velocity,
      source: p.source,
      periods: p.periods,
      rules: p.rules,
      bursts,
      sensitive: parts.sensitive,
      cues: p.cues,
    });

  const finish = (p: Prepared, link: { event: number | string | null; bursts: BurstFinding[] }): AnalysisResult => {
    // the risk without bursts is scored in prepare (a worker thread in stream mode); bursts are rare
    const risk = link.bursts.length || !p.baseRisk ? riskOf(p, link.bursts) : p.baseRisk;
    const result: AnalysisResult = {
      sentiment: p.language.sentiment,
      appeal: p.language.appeal,
      emotion: p.language.emotion,
      topic: p.language.topic,
      topicReasons: p.language.topicReasons,
      department: p.routing.department,
      departmentReasons: p.routing.reasons,
      risk,
      keywords: p.language.keywords,
      rules: p.rules,
      event: link.event,
      abuse: p.language.abuse,
    };
    return p.id === undefined ? result : { id: p.id, ...result };
  };

  let counter = 0;
  const linkInMemory = (p: Prepared): AnalysisResult => {
    counter++;
    const link = linker.link({ postKey: p.id ?? `#${counter}`, at: p.at, title: p.title, text: p.text, topic: p.language.topic, signature: p.signature, names: p.names, matter: p.matter });
    const atMs = Date.parse(p.at);
    const bursts: BurstFinding[] = [];
    // a stream without publication times says nothing about rates: no bursts then
    if (!p.timed) return finish(p, { event: link?.eventId ?? null, bursts });
    if (link) {
      const c = tracker.observe(`e:${link.eventId}`, atMs);
      if (c.burst) bursts.push(finding('event', c.last, c.previous));
    }
    if (p.language.topic) {
      const c = tracker.observe(`t:${p.language.topic}`, atMs);
      if (c.burst) bursts.push(finding('topic', c.last, c.previous, p.language.topic));
    }
    return finish(p, { event: link?.eventId ?? null, bursts });
  };
  return {
    language: parts.language,
    rules: parts.rules,
    brokenRules: parts.brokenRules ?? [],
    names: parts.names ?? new Set<string>(),
    prepare,
    finish,
    analyze: (post, cut) => linkInMemory(prepare(post, cut)),
    link: linkInMemory,
  };
}
