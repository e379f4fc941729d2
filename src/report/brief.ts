import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { RISK_LEVEL_LABELS, RISK_LEVELS, type RiskLevel } from '../levels.ts';
import { assessment, CRITERIA, CRITERION_NAMES, type AssessmentReport, type Weights } from './assessment.ts';
import { barChart, levelChart, percentChart, pieChart, trendChart } from './charts.ts';
import { beijing, fmt, issueOf, pct, type Block, type Cell, type ReportDocument, type Sheet } from './document.ts';
import { KIND_TITLES, type ReportKind } from './kinds.ts';
import { ledgerSheet } from './ledger-sheet.ts';
import { keyItemBlocks } from './key-items.ts';
import { ledgerFacts } from './ledger-facts.ts';
import { addDays, parsePeriod, type Period } from './period.ts';
import { postTime, volumeStats, type CountRow, type VolumeStats } from './stats.ts';
import { departmentTimeliness, type TimelinessReport } from './timeliness.ts';
import { t } from '../i18n/index.ts';
import { loadCaseSettings } from '../cases/settings.ts';

/** A message of the brief's wording (catalogue keys report.doc.*). */
const d = (key: string, vars: Record<string, string | number> = {}) => t(`report.doc.${key}`, vars);

/**
 * Builds a brief (舆情日报/周报/月报/季报/年报, 专报 on one event, or the assessment report) as a
 * format-neutral document from the statistics, the ledger and the assessment.
 */
export interface BriefOptions {
  kind: ReportKind;
  period: Period;
  /** A head's own department only. */
  departmentId?: number | null;
  /** 专报: the event it is about. */
  eventId?: number | null;
  /** Charts are skipped for xlsx output. */
  charts?: boolean;
  asOf?: string;
  issuer?: string;
  /** Assessment weights; default: the workspace's setting. */
  weights?: Weights;
}

const SENTIMENT_ORDER = ['negative', 'neutral', 'positive', ''];

function countTable(rows: CountRow[], first: string): Block {
  return { type: 'table', columns: [first, d('col.count'), d('col.share')], rows: rows.map((r) => [r.name, r.count, pct(r.share)]) };
}

function countSheet(name: string, first: string, rows: CountRow[]): Sheet {
  return { name, columns: [{ header: first, width: 28 }, { header: d('col.count'), format: 'number' }, { header: d('col.share'), format: 'percent' }], rows: rows.map((r) => [r.name, r.count, r.share]) };
}

/** The same span just before the period, for the 环比 comparison. */
function previousSpan(p: Period): Pick<Period, 'start' | 'end'> {
  const length = Date.parse(p.end) - Date.parse(p.start);
  if (p.kind === 'month' || p.kind === 'quarter' || p.kind === 'year') {
    const prevLast = addDays(p.firstDay, -1);
    const key = p.kind === 'month' ? prevLast.slice(0, 7) : p.kind === 'year' ? prevLast.slice(0, 4) : `${prevLast.slice(0, 4)}-Q${Math.floor((Number(prevLast.slice(5, 7)) - 1) / 3) + 1}`;
    const prev = parsePeriod(key);
    return { start: prev.start, end: prev.end };
  }
  return { start: new Date(Date.parse(p.start) - length).toISOString(), end: p.start };
}

async function countPosts(db: Kysely<Database>, span: Pick<Period, 'start' | 'end'>, departmentId?: number | null, eventId?: number | null): Promise<number> {
  let q = db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where(postTime, '>=', span.start).where(postTime, '<', span.end);
  if (departmentId != null) q = q.where('posts.department_id', '=', departmentId);
  if (eventId != null) q = q.where('posts.event_id', '=', eventId);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? d('change.flat') : d('change.noPrevious');
  const delta = (now - before) / before;
  return delta === 0 ? d('change.flat') : d(delta > 0 ? 'change.up' : 'change.down', { pct: pct(Math.abs(delta)) });
}

function summary(stats: VolumeStats, before: number, tl: TimelinessReport): string {
  const risky = stats.byRisk.filter((r) => r.key === 'orange' || r.key === 'red').reduce((s, r) => s + r.count, 0);
  const top = stats.hotIssues[0];
  const parts = [
    d('summary.volume', { total: stats.total, change: change(stats.total, before), negative: stats.negative, share: pct(stats.negativeShare) }),
    risky ? d('summary.risky', { count: risky }) : d('summary.noRisky'),
    d('summary.cases', { cases: tl.total.cases, replied: tl.total.replied, rate: pct(tl.total.onTimeRate), overdue: tl.total.overdue }),
  ];
  if (top) parts.push(d('summary.top', { title: top.name, posts: top.posts }));
  return d('summary.end', { parts: parts.join(d('summary.sep')) });
}

function peakLines(stats: VolumeStats): string[] {
  return stats.peaks.map((b) => d('peak.line', { label: b.label, count: b.count }) + (b.events.length ? d('peak.cause', { events: b.events.join(d('listSep')) }) : ''));
}

function hotTable(stats: VolumeStats): { block: Block; sheet: Sheet } {
  // named by place and matter (issue 17, part 6); the terms are places and matters, never fragments
  const rows: Cell[][] = stats.hotIssues.map((h, i) => [i + 1, h.name, h.posts, h.engagement, h.heat, d('span', { from: beijing(h.firstAt).slice(0, 10), to: beijing(h.lastAt).slice(0, 10) }), h.terms.join(d('listSep'))]);
  return {
    block: { type: 'table', columns: ['rank', 'hotIssue', 'posts', 'engagement', 'heat', 'time', 'terms'].map((c) => d(`col.${c}`)), rows },
    sheet: {
      name: d('sheet.hot'),
      columns: [{ header: d('col.rank'), format: 'number' }, { header: d('col.hotIssue'), width: 50 }, { header: d('col.posts'), format: 'number' }, { header: d('col.engagement'), format: 'number' }, { header: d('col.heat'), format: 'number' }, { header: d('col.time'), width: 26 }, { header: d('col.terms'), width: 30 }],
      rows,
    },
  };
}

export function timelinessRows(t: TimelinessReport): Cell[][] {
  return [...t.departments.filter((x) => x.cases > 0 || x.memos > 0 || x.commitments > 0), t.total].map((x) => [
    x.department,
    x.cases,
    x.replied,
    x.repliedOnTime,
    x.onTimeRate,
    x.medianReplyHours,
    x.overdue,
    x.memos ? `${x.memosOnTime}/${x.memos}` : '—',
    x.commitments ? `${x.commitmentsOnTime}/${x.commitments}` : '—',
    x.escalationsWatched ? `${x.escalationsPrevented}/${x.escalationsWatched}` : '—',
    x.verificationRate,
  ]);
}

const TIMELINESS_COLUMNS = ['department', 'cases', 'replied', 'repliedOnTime', 'onTimeRate', 'medianHours', 'overdue', 'memos', 'commitments', 'prevented', 'verification'].map((c) => d(`col.${c}`));
const PERCENT_COLUMNS = new Set([4, 10]);

function timelinessBlock(t: TimelinessReport): Block {
  return {
    type: 'table',
    columns: TIMELINESS_COLUMNS,
    rows: timelinessRows(t).map((r) => r.map((c, i) => (PERCENT_COLUMNS.has(i) ? pct(c as number | null) : i === 5 ? fmt(c as number | null) : c))),
  };
}

function timelinessSheet(t: TimelinessReport): Sheet {
  return {
    name: d('sheet.timeliness'),
    columns: TIMELINESS_COLUMNS.map((h, i) => ({ header: h, width: i === 0 ? 18 : 14, format: PERCENT_COLUMNS.has(i) ? ('percent' as const) : i === 0 || i >= 7 ? ('text' as const) : ('number' as const) })),
    rows: timelinessRows(t),
  };
}

function assessmentBlocks(a: AssessmentReport, charts: boolean): { blocks: Block[]; sheets: Sheet[] } {
  const w = a.weights;
  const sum = w.timely + w.received + w.prevented;
  const blocks: Block[] = [
    { type: 'paragraph', text: d('assess.basis', { timely: pct(w.timely / sum, 0), received: pct(w.received / sum, 0), prevented: pct(w.prevented / sum, 0) }) },
  ];
  const rankRows = a.departments.map((x) => [x.rank ?? '—', x.department, x.cases, ...x.criteria.map((c) => fmt(c.score)), fmt(x.score)]);
  blocks.push({ type: 'table', columns: [d('col.rank'), d('col.department'), d('col.cases'), ...CRITERIA.map((c) => CRITERION_NAMES[c]), d('col.score')], rows: rankRows });
  if (charts && a.departments.some((x) => x.score !== null)) {
    blocks.push({ type: 'chart', chart: percentChart(d('chart.scores'), a.departments.map((x) => ({ name: x.department, value: x.score }))) });
  }
  blocks.push({ type: 'heading', level: 2, text: d('heading.breakdown') });
  for (const x of a.departments.filter((y) => y.cases > 0)) {
    blocks.push({ type: 'bullets', items: [d('assess.total', { department: x.department, score: fmt(x.score) }), ...x.criteria.map((c) => d('assess.criterion', { name: c.name, score: fmt(c.score), weight: fmt(c.weight, 2), points: fmt(c.contribution), detail: c.detail }))] });
  }
  for (const q of a.quarters) {
    blocks.push({ type: 'heading', level: 2, text: d('heading.quarterRanking', { period: q.period.label }) });
    if (q.departments.every((x) => x.cases === 0)) blocks.push({ type: 'paragraph', text: d('assess.noCases') });
    else blocks.push({ type: 'table', columns: [d('col.rank'), d('col.department'), d('col.cases'), d('col.score')], rows: q.departments.map((x) => [x.rank ?? '—', x.department, x.cases, fmt(x.score)]) });
  }
  const sheets: Sheet[] = [
    {
      name: d('sheet.ranking'),
      columns: [
        { header: d('col.rank'), format: 'number' },
        { header: d('col.department'), width: 18 },
        { header: d('col.cases'), format: 'number' },
        ...CRITERIA.map((c) => ({ header: CRITERION_NAMES[c], format: 'number' as const })),
        { header: d('col.score'), format: 'number' },
        // What 群众评价 and 防止负面升级 were computed from, one figure per column.
        ...(['feedbackSatisfied', 'feedbackAsking', 'feedbackEscalating', 'escalationCases', 'marksGood', 'marksPoor'] as const).map((k) => ({ header: d(`col.${k}`), width: 14, format: 'number' as const })),
      ],
      rows: a.departments.map((x) => [x.rank, x.department, x.cases, ...x.criteria.map((c) => c.score), x.score, x.feedback.satisfied, x.feedback.asking, x.feedback.escalating, x.feedback.escalationCases, x.marks.good, x.marks.poor]),
    },
    {
      name: d('sheet.breakdown'),
      columns: [{ header: d('col.department'), width: 18 }, { header: d('col.criterion'), width: 16 }, { header: d('col.numerator'), format: 'number' }, { header: d('col.denominator'), format: 'number' }, { header: d('col.criterionScore'), format: 'number' }, { header: d('col.weight'), format: 'number' }, { header: d('col.points'), format: 'number' }, { header: d('col.detail'), width: 50 }],
      rows: a.departments.flatMap((x) => x.criteria.map((c) => [x.department, c.name, c.numerator, c.denominator, c.score, c.weight, c.contribution, c.detail])),
    },
  ];
  if (a.quarters.length) {
    sheets.push({
      name: d('sheet.quarters'),
      columns: [{ header: d('col.quarter'), width: 14 }, { header: d('col.rank'), format: 'number' }, { header: d('col.department'), width: 18 }, { header: d('col.cases'), format: 'number' }, { header: d('col.score'), format: 'number' }],
      rows: a.quarters.flatMap((q) => q.departments.map((x) => [q.period.key, x.rank, x.department, x.cases, x.score])),
    });
  }
  return { blocks, sheets };
}

export async function buildBrief(db: Kysely<Database>, opts: BriefOptions): Promise<ReportDocument> {
  const { kind, period } = opts;
  const charts = opts.charts ?? true;
  const asOf = opts.asOf ?? new Date().toISOString();
  const generatedAt = new Date().toISOString();
  let title = KIND_TITLES[kind];
  const scopeName = opts.departmentId != null ? (await db.selectFrom('departments').select('name').where('id', '=', opts.departmentId).executeTakeFirst())?.name : null;
  const settings = await loadCaseSettings(db);
  const issuer = opts.issuer ?? (settings.bureau_name.trim() || ((await db.selectFrom('departments').select('name').where('is_office', '=', 1).orderBy('id').executeTakeFirst())?.name ?? d('issuer')));
  const issue = kind === 'special' ? null : issueOf(period.key);
  const credits =
    [
      [d('credit.editor'), settings.brief_editor],
      [d('credit.reviewer'), settings.brief_reviewer],
      [d('credit.signer'), settings.brief_signer],
    ]
      .filter(([, name]) => name.trim())
      .map(([label, name]) => `${label}：${name.trim()}`)
      .join('　') || null;
  const subtitle = scopeName ? `${period.label}　${scopeName}` : period.label;
  const fileBase = `${title}${kind === 'special' && opts.eventId != null ? `-${d('fileEvent', { id: opts.eventId })}` : ''}-${period.key.replace(/\.\./g, '_')}${scopeName ? `-${scopeName}` : ''}`;

  if (kind === 'assessment') {
    const a = await assessment(db, period, { departmentId: opts.departmentId, asOf, weights: opts.weights });
    const { blocks, sheets } = assessmentBlocks(a, charts);
    return { title, subtitle, issuer, issue, credits, generatedAt, fileBase, blocks: [{ type: 'heading', level: 1, text: d('numbered', { n: d('numerals').split(',')[0], text: d('heading.assessmentResult') }) }, ...blocks], sheets };
  }

  let eventTitle: string | null = null;
  if (kind === 'special' && opts.eventId != null) {
    eventTitle = (await db.selectFrom('events').select('title').where('id', '=', opts.eventId).executeTakeFirst())?.title ?? null;
    if (eventTitle) title = `${title}：${eventTitle}`;
  }
  const scope = { departmentId: opts.departmentId, eventId: opts.eventId };
  const facts = await ledgerFacts(db, period, asOf);
  const [stats, before, timeliness] = await Promise.all([
    volumeStats(db, period, scope),
    countPosts(db, previousSpan(period), opts.departmentId, opts.eventId),
    departmentTimeliness(db, period, { departmentId: opts.departmentId, asOf, facts }),
  ]);

  const blocks: Block[] = [];
  const sheets: Sheet[] = [];
  let n = 0;
  const numerals = d('numerals').split(',');
  const h1 = (key: string) => blocks.push({ type: 'heading', level: 1, text: d('numbered', { n: numerals[n++], text: d(`heading.${key}`) }) });

  h1('overview');
  blocks.push({ type: 'paragraph', text: summary(stats, before, timeliness) });
  h1('key');
  blocks.push(...(await keyItemBlocks(db, period, scope)));
  sheets.push({
    name: d('sheet.overview'),
    columns: [{ header: d('col.indicator'), width: 24 }, { header: d('col.value'), width: 18 }],
    rows: [
      [d('row.report'), d('titleWithPeriod', { title, subtitle })],
      [d('row.total'), stats.total],
      [d('row.previous'), before],
      [d('row.negative'), stats.negative],
      [d('row.negativeShare'), pct(stats.negativeShare)],
      [d('row.cases'), timeliness.total.cases],
      [d('row.replied'), timeliness.total.replied],
      [d('row.onTimeRate'), pct(timeliness.total.onTimeRate)],
      [d('row.overdue'), timeliness.total.overdue],
      [d('row.generated'), beijing(generatedAt)],
    ],
  });

  h1('trend');
  if (charts && stats.total > 0) blocks.push({ type: 'chart', chart: trendChart(d('chart.trend'), stats.trend.buckets) });
  const peaks = peakLines(stats);
  blocks.push({ type: 'paragraph', text: peaks.length ? d('peak.intro') : d('peak.none') });
  if (peaks.length) blocks.push({ type: 'bullets', items: peaks });
  const calendar = stats.calendar.map((e) => d('calendar.item', { name: e.name, span: e.firstDay === e.lastDay ? e.firstDay : d('span', { from: e.firstDay, to: e.lastDay }) }));
  if (calendar.length) blocks.push({ type: 'paragraph', text: d('calendar.line', { list: calendar.join(d('summary.sep')) }) });
  sheets.push({
    name: d('sheet.trend'),
    columns: [{ header: d('col.time'), width: 16 }, { header: d('col.posts'), format: 'number' }, { header: d('col.negative'), format: 'number' }, { header: d('col.peak'), width: 8 }, { header: d('col.events'), width: 30 }],
    rows: stats.trend.buckets.map((b) => [b.key, b.count, b.negative, b.peak ? d('yes') : '', b.events.join(d('listSep'))]),
  });

  h1('distribution');
  const bySentiment = [...stats.bySentiment].sort((a, b) => SENTIMENT_ORDER.indexOf(a.key) - SENTIMENT_ORDER.indexOf(b.key));
  if (charts && stats.total > 0) blocks.push({ type: 'chart', chart: pieChart(d('chart.sentiment'), bySentiment) });
  blocks.push({ type: 'heading', level: 2, text: d('heading.sentiment') }, countTable(bySentiment, d('col.sentiment')));
  // 诉求类型 and 情绪分布 (issue 17): what people asked for, and how they felt
  blocks.push({ type: 'heading', level: 2, text: d('heading.appeal') }, countTable(stats.byAppeal, d('col.appeal')));
  blocks.push({ type: 'heading', level: 2, text: d('heading.emotion') }, countTable(stats.byEmotion, d('col.emotion')));
  blocks.push({ type: 'heading', level: 2, text: d('heading.risk') });
  if (charts && stats.byRisk.length) blocks.push({ type: 'chart', chart: levelChart(d('chart.risk'), stats.byRisk, RISK_LEVELS.map((key) => ({ key, name: RISK_LEVEL_LABELS[key] }))) });
  blocks.push(countTable(stats.byRisk, d('col.level')));
  blocks.push({ type: 'heading', level: 2, text: d('heading.source') }, countTable(stats.bySource, d('col.source')));
  if (charts && stats.byTopic.length > 1) blocks.push({ type: 'chart', chart: barChart(d('chart.topic'), stats.byTopic) });
  blocks.push({ type: 'heading', level: 2, text: d('heading.topic') }, countTable(stats.byTopic.slice(0, 15), d('col.topic')));
  blocks.push({ type: 'heading', level: 2, text: d('heading.department') }, countTable(stats.byDepartment, d('col.department')));
  sheets.push(
    countSheet(d('sheet.source'), d('col.source'), stats.bySource),
    countSheet(d('sheet.topic'), d('col.topic'), stats.byTopic),
    countSheet(d('sheet.sentiment'), d('col.sentiment'), bySentiment),
    countSheet(d('sheet.appeal'), d('col.appeal'), stats.byAppeal),
    countSheet(d('sheet.emotion'), d('col.emotion'), stats.byEmotion),
    countSheet(d('sheet.risk'), d('col.level'), stats.byRisk),
    countSheet(d('sheet.department'), d('col.department'), stats.byDepartment),
  );

  h1('hot');
  const hot = hotTable(stats);
  if (stats.hotIssues.length) blocks.push(hot.block);
  else blocks.push({ type: 'paragraph', text: d('hot.none') });
  sheets.push(hot.sheet);
  if (stats.hotEvents.length) {
    const list = stats.hotEvents.slice(0, 5).map((e) => d('hot.event', { title: e.title, posts: e.posts, level: e.riskLevel ? d('hot.eventLevel', { level: RISK_LEVEL_LABELS[e.riskLevel as RiskLevel] ?? e.riskLevel }) : '' }));
    blocks.push({ type: 'paragraph', text: d('hot.events', { list: list.join(d('summary.sep')) }) });
  }

  if (stats.topTopics.length) {
    h1('topics');
    blocks.push({ type: 'table', columns: [d('col.topic'), d('col.periodCount'), d('col.share'), d('col.months')], rows: stats.topTopics.map((x) => [x.name, x.count, pct(x.share), x.months]) });
    sheets.push({
      name: d('sheet.topics'),
      columns: [{ header: d('col.topic'), width: 24 }, { header: d('col.periodCount'), format: 'number' }, { header: d('col.share'), format: 'percent' }, { header: d('col.months'), format: 'number' }],
      rows: stats.topTopics.map((x) => [x.name, x.count, x.share, x.months]),
    });
  }

  h1('timeliness');
  if (timeliness.total.cases === 0 && timeliness.total.memos === 0 && timeliness.total.commitments === 0) {
    blocks.push({ type: 'paragraph', text: d('timeliness.none') });
  } else {
    blocks.push(timelinessBlock(timeliness));
    const rated = timeliness.departments.filter((x) => x.onTimeRate !== null);
    if (charts && rated.length > 1) blocks.push({ type: 'chart', chart: percentChart(d('chart.onTime'), rated.map((x) => ({ name: x.department, value: x.onTimeRate! * 100 }))) });
  }
  sheets.push(timelinessSheet(timeliness));

  if (kind === 'annual') {
    h1('assessment');
    const a = await assessment(db, period, { departmentId: opts.departmentId, asOf, weights: opts.weights });
    const part = assessmentBlocks(a, charts);
    blocks.push(...part.blocks);
    sheets.push(...part.sheets);
  }
  sheets.push(await ledgerSheet(db, period, opts.departmentId, asOf));
  return { title, subtitle, issuer, issue, credits, generatedAt, fileBase, blocks, sheets };
}
