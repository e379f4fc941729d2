import { compileMessage } from '../../i18n/compiled.ts';
import { levelRank, RISK_LEVEL_LABELS, RISK_LEVELS, type RiskLevel } from '../../levels.ts';
import type { PeriodMatch } from './periods.ts';
import { scanCues } from '../rules/cue-set.ts';
import type { MatterFinding } from '../rules/matters.ts';
import type { SensitiveList } from '../rules/sensitive.ts';
import type { RuleMatch } from '../types.ts';

/**
 * 舆情等级 from a score of 0–100 built from named components, each with a reason shown to
 * people. Thresholds: yellow ≥ 35, orange ≥ 55, red ≥ 75; a matched watch rule's minimum
 * level is a floor.
 */
export const LEVEL_THRESHOLDS: Record<RiskLevel, number> = { blue: 0, yellow: 35, orange: 55, red: 75 };

export interface Metrics {
  views: number;
  replies: number;
  likes: number;
  reposts: number;
}

/** Engagement growth between the two latest fetches of a post. */
export interface Velocity {
  hours: number;
  delta: Metrics;
}

export interface BurstFinding {
  scope: 'event' | 'topic';
  topic?: string | null;
  last: number;
  baseline: number;
}

export interface RiskInput {
  sentiment: { label: string; score: number };
  abuse: { flagged: boolean };
  /** Normalised, ASCII-lower-cased title + text. */
  text: string;
  metrics?: Partial<Metrics> | null;
  velocity?: Velocity | null;
  source?: { name: string; weight: number } | null;
  periods?: PeriodMatch[];
  rules?: RuleMatch[];
  bursts?: BurstFinding[];
  sensitive?: SensitiveList | null;
  /** Cue words already found in `text` (the analyzer finds them once, possibly in a worker thread). */
  cues?: RiskCues;
}

export interface RiskCues {
  sensitive: string[];
  matters: MatterFinding[];
  rumour: string[];
  /** Collective action (群体性事件苗头): rules/matters.ts. */
  collective: string[];
}

/** The sensitive terms, matters and rumour cues of a normalised, ASCII-lower-cased text. */
export function findCues(text: string, sensitive: SensitiveList | null | undefined): RiskCues {
  return scanCues(text, sensitive);
}

export interface RiskResult {
  level: RiskLevel;
  score: number;
  reasons: string[];
}

/** One weighted number for engagement: a reply or a repost says more than a view. */
export function engagementIndex(m: Partial<Metrics>): number {
  return (m.views ?? 0) / 200 + (m.replies ?? 0) * 2 + (m.likes ?? 0) * 0.5 + (m.reposts ?? 0) * 3;
}

function metricText(m: Partial<Metrics>, signed = false): string {
  const parts: string[] = [];
  const p = (label: string, v: number | undefined) => {
    if (v && v > 0) parts.push(`${label} ${signed ? '+' : ''}${v}`);
  };
  p('浏览', m.views);
  p('回复', m.replies);
  p('点赞', m.likes);
  p('转发', m.reposts);
  return parts.join('、');
}

const round1 = (n: number) => Math.round(n * 10) / 10;

// Reasons are filled for every post: the catalogue templates are compiled once.
const M = {
  burstEvent: compileMessage('risk.burstEvent'),
  burstTopic: compileMessage('risk.burstTopic'),
  burst: compileMessage('risk.burst'),
  sentiment: compileMessage('risk.sentiment'),
  sentimentStrong: compileMessage('risk.sentimentStrong'),
  engagement: compileMessage('risk.engagement'),
  velocity: compileMessage('risk.velocity'),
  sourceWeight: compileMessage('risk.sourceWeight'),
  sensitive: compileMessage('risk.sensitive'),
  period: compileMessage('risk.period'),
  periodKeywords: compileMessage('risk.periodKeywords'),
  matter: compileMessage('risk.matter'),
  abuse: compileMessage('risk.abuse'),
  rumour: compileMessage('risk.rumour'),
  collective: compileMessage('risk.collective'),
  sensitivePassing: compileMessage('risk.sensitivePassing'),
  matterPassing: compileMessage('risk.matterPassing'),
  ruleMinimum: compileMessage('risk.ruleMinimum'),
  level: compileMessage('risk.level'),
};
const MATTER_LABELS = new Map<string, string>();
function matterLabel(kind: string): string {
  let label = MATTER_LABELS.get(kind);
  if (label === undefined) MATTER_LABELS.set(kind, (label = compileMessage(`matter.${kind}`)()));
  return label;
}

export function burstReason(b: BurstFinding): string {
  const scope = b.scope === 'event' ? M.burstEvent() : M.burstTopic({ topic: b.topic ?? '' });
  return M.burst({ scope, last: b.last, baseline: round1(b.baseline) });
}

/** Words that make a mention an excuse or a circumstance ("受疫情影响", "以疫情为由", "因为疫情原因"), not the matter. */
const CIRCUMSTANCE_BEFORE = ['因为', '由于', '受', '借口', '推说', '推脱', '因'];
const SUFFERED = ['遭受', '蒙受'];
const CIRCUMSTANCE_AFTER = ['影响', '原因', '为由', '期间', '之后', '以来', '防控'];
/** A body longer than this with one mention outside its title and first sentence mentions the word in passing. */
const LONG_BODY = 150;

/**
 * Whether a cue word is a word in passing rather than the post's subject (issue 17): it is the subject
 * when the title names it, when the text says it twice, or when the first sentence says it; one mention
 * framed as a circumstance or an excuse ("开发商以疫情为由延期交房"), or one mention deep in a long text,
 * is in passing. `text` is the normalised title and text (a title is the first line).
 */
export function inPassing(text: string, term: string): boolean {
  const at = text.indexOf(term);
  if (at < 0) return false;
  if (text.indexOf(term, at + term.length) >= 0) return false;
  const nl = text.indexOf('\n');
  if (nl >= 0 && at < nl) return false;
  const body = nl >= 0 ? nl + 1 : 0;
  const before = text.slice(Math.max(body, at - 4), at);
  const after = text.slice(at + term.length, at + term.length + 3);
  const framed = CIRCUMSTANCE_BEFORE.some((w) => before.endsWith(w) || before.slice(0, -1).endsWith(w)) && !SUFFERED.some((w) => before.endsWith(w) || before.slice(0, -1).endsWith(w));
  if (framed || CIRCUMSTANCE_AFTER.some((w) => after.startsWith(w))) return true;
  const firstEnd = text.slice(body).search(/[。！？!?]/);
  if (firstEnd < 0 || at < body + firstEnd) return false;
  return text.length - body > LONG_BODY;
}

export function levelForScore(score: number): RiskLevel {
  let level: RiskLevel = 'blue';
  for (const l of RISK_LEVELS) if (score >= LEVEL_THRESHOLDS[l]) level = l;
  return level;
}

export function assessRisk(input: RiskInput): RiskResult {
  const parts: { points: number; reason: string }[] = [];
  const add = (points: number, reason: string) => {
    if (points !== 0) parts.push({ points, reason });
  };

  if (input.sentiment.label === 'negative') {
    const strength = Math.min(1, Math.max(0.3, Math.abs(input.sentiment.score)));
    const score = round1(input.sentiment.score);
    add(Math.round(8 + 14 * strength), (strength >= 0.7 ? M.sentimentStrong : M.sentiment)({ score }));
  }

  const m = input.metrics ?? {};
  const engagement = Math.min(20, Math.round(6 * Math.log10(1 + engagementIndex(m))));
  if (engagement >= 4) add(engagement, M.engagement({ detail: metricText(m) }));

  if (input.velocity && input.velocity.hours > 0) {
    const hours = Math.max(input.velocity.hours, 1 / 60);
    const rate = engagementIndex(input.velocity.delta) / hours;
    const points = Math.min(15, Math.round(5 * Math.log10(1 + rate)));
    if (points >= 3) add(points, M.velocity({ hours: round1(input.velocity.hours), detail: metricText(input.velocity.delta, true) }));
  }

  if (input.source && input.source.weight !== 1) {
    const points = Math.max(-10, Math.min(15, Math.round((input.source.weight - 1) * 10)));
    add(points, M.sourceWeight({ source: input.source.name, weight: input.source.weight }));
  }

  const cues = input.cues ?? findCues(input.text, input.sensitive);
  const collective = cues.collective ?? [];
  if (collective.length) add(Math.min(24, 12 + 6 * collective.length), M.collective({ terms: collective.slice(0, 5).join('、') }));
  {
    // a collective-action word is reported once, as collective action
    const terms = cues.sensitive.filter((w) => !collective.some((c) => c.includes(w) || w.includes(c)));
    const subject = terms.filter((w) => !inPassing(input.text, w));
    const passing = terms.filter((w) => !subject.includes(w));
    if (subject.length) add(Math.min(24, 8 * subject.length), M.sensitive({ terms: subject.slice(0, 6).join('、') }));
    if (passing.length) add(Math.min(6, 2 * passing.length), M.sensitivePassing({ terms: passing.slice(0, 6).join('、') }));
  }

  let periodPoints = 0;
  for (const p of input.periods ?? []) {
    const points = Math.min(30 - periodPoints, Math.round(10 * p.boost));
    periodPoints += Math.max(0, points);
    add(Math.max(0, points), M.period({ name: p.name, detail: p.terms.length ? M.periodKeywords({ terms: p.terms.slice(0, 6).join('、') }) : '' }));
  }

  let matterPoints = 0;
  for (const f of cues.matters) {
    const passing = f.terms.every((w) => inPassing(input.text, w));
    const points = Math.min(30 - matterPoints, passing ? Math.round(f.points / 4) : f.points);
    if (points <= 0) break;
    matterPoints += points;
    add(points, (passing ? M.matterPassing : M.matter)({ kind: matterLabel(f.kind), terms: f.terms.slice(0, 5).join('、') }));
  }

  if (input.abuse.flagged) add(8, M.abuse());
  const rumour = cues.rumour;
  if (rumour.length) add(8, M.rumour({ terms: rumour.slice(0, 5).join('、') }));

  let burstPoints = 0;
  for (const b of input.bursts ?? []) {
    const points = Math.min(20 - burstPoints, 15);
    if (points <= 0) break;
    burstPoints += points;
    add(points, burstReason(b));
  }

  const score = Math.max(0, Math.min(100, parts.reduce((n, p) => n + p.points, 0)));
  let level = levelForScore(score);
  const reasons = parts.sort((a, b) => b.points - a.points).map((p) => p.reason);

  let floorRule: RuleMatch | null = null;
  for (const r of input.rules ?? []) if (r.minLevel && levelRank(r.minLevel) > levelRank(floorRule?.minLevel ?? level)) floorRule = r;
  if (floorRule?.minLevel) {
    level = floorRule.minLevel;
    reasons.push(M.ruleMinimum({ rule: floorRule.rule, level: RISK_LEVEL_LABELS[level] }));
  }
  reasons.push(M.level({ score, level: RISK_LEVEL_LABELS[level] }));
  return { level, score, reasons };
}
