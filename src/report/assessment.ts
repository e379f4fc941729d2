import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { jsonColumn, readJson } from '../db/values.ts';
import { ledgerFacts, type CaseFacts } from './ledger-facts.ts';
import { parsePeriod, type Period, periodSchema } from './period.ts';
import { rate } from './timeliness.ts';
import { shapeOf } from '../shapes.ts';

/**
 * The annual assessment (考核) of each department on the seed's three criteria: replied in
 * time (及时回应), well received (群众评价: what people said back after our reply — 满意/认可
 * against 继续追问 and 升级苗头, read by cases/feedback.ts — and people's 12345-style marks),
 * negative escalation prevented (防止负面升级: no higher level, no escalation, no 升级苗头 left
 * unsettled in what people wrote back). Each criterion is a 0–100 score; the total
 * is their weighted mean over the criteria that have data (a department with no rated cases is
 * not penalised or rewarded on that criterion, and the breakdown says so).
 */
export const weightsSchema = z
  .object({
    timely: z.number().min(0).max(100),
    received: z.number().min(0).max(100),
    prevented: z.number().min(0).max(100),
  })
  .refine((w) => w.timely + w.received + w.prevented > 0, { message: 'at least one weight must be above 0' });
export type Weights = z.infer<typeof weightsSchema>;

export const DEFAULT_WEIGHTS: Weights = { timely: 0.4, received: 0.3, prevented: 0.3 };
export const WEIGHTS_SETTING = 'report.assessment.weights';

export type Criterion = keyof Weights;
export const CRITERIA: Criterion[] = ['timely', 'received', 'prevented'];
export const CRITERION_NAMES: Record<Criterion, string> = { timely: '及时回应', received: '群众评价', prevented: '防止负面升级' };

export interface CriterionScore {
  criterion: Criterion;
  name: string;
  /** What was counted, e.g. 18 of 20 cases replied on time. */
  numerator: number;
  denominator: number;
  /** 0–100, null without data. */
  score: number | null;
  weight: number;
  /** Points this criterion adds to the total (after re-weighting over criteria with data). */
  contribution: number;
  detail: string;
}

export interface DepartmentAssessment {
  departmentId: number;
  department: string;
  cases: number;
  criteria: CriterionScore[];
  score: number | null;
  /** 1-based; equal scores share a rank; null when there was nothing to assess. */
  rank: number | null;
  /** What people said back after the department's replies, by class (cases/feedback.ts), and how many cases showed a 升级苗头. */
  feedback: { satisfied: number; asking: number; escalating: number; escalationCases: number };
  /** People's 12345-style marks: good and poor. */
  marks: { good: number; poor: number };
}

export interface AssessmentReport {
  period: Period;
  weights: Weights;
  departments: DepartmentAssessment[];
  quarters: { period: Period; departments: DepartmentAssessment[] }[];
}

/** The assessment weights row of `settings`. */
const weightsJson = jsonColumn('settings.value (assessment weights)', weightsSchema);

/** The weights as stored and sent (the input schema less its check that one is above 0). */
export const weightsAnswerSchema = z.object({ timely: z.number(), received: z.number(), prevented: z.number() });

const criterionScoreSchema = shapeOf<CriterionScore>()({
  criterion: z.enum(['timely', 'received', 'prevented']),
  name: z.string(),
  numerator: z.number(),
  denominator: z.number(),
  score: z.number().nullable().describe('0–100, null without data'),
  weight: z.number(),
  contribution: z.number().describe('points this criterion adds to the total'),
  detail: z.string(),
});

const departmentAssessmentSchema = shapeOf<DepartmentAssessment>()({
  departmentId: z.number(),
  department: z.string(),
  cases: z.number(),
  criteria: z.array(criterionScoreSchema),
  score: z.number().nullable(),
  rank: z.number().nullable().describe('1-based; equal scores share a rank'),
  feedback: z
    .object({ satisfied: z.number(), asking: z.number(), escalating: z.number(), escalationCases: z.number() })
    .describe("what people said back after the department's replies (满意/认可, 继续追问, 升级苗头 items) and the cases with a 升级苗头"),
  marks: z.object({ good: z.number(), poor: z.number() }).describe("people's 12345-style marks"),
});

export const assessmentReportSchema = shapeOf<AssessmentReport>()({
  period: periodSchema,
  weights: weightsAnswerSchema,
  departments: z.array(departmentAssessmentSchema),
  quarters: z.array(z.object({ period: periodSchema, departments: z.array(departmentAssessmentSchema) })),
});

export async function loadWeights(db: Kysely<Database>): Promise<Weights> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', WEIGHTS_SETTING).executeTakeFirst();
  return readJson(weightsJson, row?.value, DEFAULT_WEIGHTS);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function pct(part: number, whole: number): string {
  return whole ? `${part}/${whole}` : '无数据';
}

export function assessCases(departmentId: number, department: string, cases: CaseFacts[], weights: Weights): DepartmentAssessment {
  const due = cases.filter((c) => c.due);
  const onTime = due.filter((c) => c.onTime).length;
  const good = cases.reduce((s, c) => s + c.followUpGood, 0);
  const bad = cases.reduce((s, c) => s + c.followUpBad, 0);
  const marksGood = cases.reduce((s, c) => s + c.marksGood, 0);
  const marksBad = cases.reduce((s, c) => s + c.marksBad, 0);
  const watched = cases.filter((c) => c.escalationPrevented !== null);
  const prevented = watched.filter((c) => c.escalationPrevented).length;
  const said = cases.reduce((s, c) => ({ satisfied: s.satisfied + c.feedback.satisfied, asking: s.asking + c.feedback.asking, escalating: s.escalating + c.feedback.escalating }), { satisfied: 0, asking: 0, escalating: 0 });
  const cued = watched.filter((c) => c.feedback.escalating > 0).length;

  // Well received: the mean of the two signals that exist (follow-up sentiment, people's marks).
  const signals = [rate(good, good + bad), rate(marksGood, marksGood + marksBad)].filter((r): r is number => r !== null);
  const received = signals.length ? signals.reduce((s, r) => s + r, 0) / signals.length : null;

  const raw: Omit<CriterionScore, 'contribution'>[] = [
    {
      criterion: 'timely',
      name: CRITERION_NAMES.timely,
      numerator: onTime,
      denominator: due.length,
      score: due.length ? round1((100 * onTime) / due.length) : null,
      weight: weights.timely,
      detail: `按时回复 ${pct(onTime, due.length)} 件`,
    },
    {
      criterion: 'received',
      name: CRITERION_NAMES.received,
      numerator: good + marksGood,
      denominator: good + bad + marksGood + marksBad,
      score: received === null ? null : round1(100 * received),
      weight: weights.received,
      detail: `回复后跟帖认可 ${pct(good, good + bad)}（满意/认可 ${said.satisfied}、继续追问 ${said.asking}、升级苗头 ${said.escalating}）；群众评价满意 ${pct(marksGood, marksGood + marksBad)}`,
    },
    {
      criterion: 'prevented',
      name: CRITERION_NAMES.prevented,
      numerator: prevented,
      denominator: watched.length,
      score: watched.length ? round1((100 * prevented) / watched.length) : null,
      weight: weights.prevented,
      detail: `回复后未升级 ${pct(prevented, watched.length)} 件（跟帖出现升级苗头 ${cued} 件）`,
    },
  ];
  const weightWithData = raw.reduce((s, c) => s + (c.score === null ? 0 : c.weight), 0);
  const criteria = raw.map((c) => ({ ...c, contribution: c.score === null || weightWithData === 0 ? 0 : round1((c.score * c.weight) / weightWithData) }));
  const score = weightWithData > 0 ? round1(raw.reduce((s, c) => s + (c.score === null ? 0 : c.score * c.weight), 0) / weightWithData) : null;
  return { departmentId, department, cases: cases.length, criteria, score, rank: null, feedback: { ...said, escalationCases: cued }, marks: { good: marksGood, poor: marksBad } };
}

/** Ranks in place: by score, equal scores share a rank (1, 2, 2, 4); unscored last and unranked. */
export function rank(rows: DepartmentAssessment[]): DepartmentAssessment[] {
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || b.cases - a.cases || a.department.localeCompare(b.department));
  let prev: number | null = null;
  let prevRank = 0;
  rows.forEach((r, i) => {
    if (r.score === null) return;
    r.rank = r.score === prev ? prevRank : i + 1;
    prev = r.score;
    prevRank = r.rank;
  });
  return rows;
}

async function assessPeriod(db: Kysely<Database>, period: Period, weights: Weights, departments: { id: number; name: string }[], asOf: string) {
  const facts = await ledgerFacts(db, period, asOf);
  return rank(departments.map((d) => assessCases(d.id, d.name, facts.cases.filter((c) => c.departmentId === d.id), weights)));
}

/**
 * The assessment of a year (or a quarter), with the quarterly rankings of a year. Office
 * departments coordinate rather than answer, so they are assessed only when they led cases.
 */
export async function assessment(
  db: Kysely<Database>,
  period: Period,
  opts: { weights?: Weights; departmentId?: number | null; asOf?: string } = {},
): Promise<AssessmentReport> {
  const weights = opts.weights ?? (await loadWeights(db));
  const asOf = opts.asOf ?? new Date().toISOString();
  const departments = await db.selectFrom('departments').select(['id', 'name']).orderBy('code').execute();
  const rows = await assessPeriod(db, period, weights, departments, asOf);
  const quarters: AssessmentReport['quarters'] = [];
  if (period.kind === 'year') {
    for (let q = 1; q <= 4; q++) {
      const qp = parsePeriod(`${period.key}-Q${q}`);
      if (qp.start > asOf) break;
      quarters.push({ period: qp, departments: await assessPeriod(db, qp, weights, departments, asOf) });
    }
  }
  // A head sees the ranking positions but only their own department's breakdown.
  const scope = (list: DepartmentAssessment[]) => (opts.departmentId == null ? list : list.filter((d) => d.departmentId === opts.departmentId));
  return { period, weights, departments: scope(rows), quarters: quarters.map((q) => ({ ...q, departments: scope(q.departments) })) };
}

/** Parses "timely=0.5,received=0.3,prevented=0.2" (CLI and query string); throws with an English reason. */
export function parseWeights(text: string): Weights {
  const out: Record<string, number> = { ...DEFAULT_WEIGHTS };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(timely|received|prevented)\s*=\s*([0-9]*\.?[0-9]+)$/.exec(part);
    if (!m) throw new Error(`weights: "${part}" is not name=number with name one of timely, received, prevented`);
    out[m[1]] = Number(m[2]);
  }
  const parsed = weightsSchema.safeParse(out);
  if (!parsed.success) throw new Error(`weights: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
