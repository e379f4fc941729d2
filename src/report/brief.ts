import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { RISK_LEVEL_LABELS, type RiskLevel } from '../levels.ts';
import { assessment, CRITERIA, CRITERION_NAMES, type AssessmentReport, type Weights } from './assessment.ts';
import { barChart, percentChart, pieChart, trendChart } from './charts.ts';
import { beijing, fmt, pct, type Block, type Cell, type ReportDocument, type Sheet } from './document.ts';
import { KIND_TITLES, type ReportKind } from './kinds.ts';
import { ledgerSheet } from './ledger-sheet.ts';
import { ledgerFacts } from './ledger-facts.ts';
import { addDays, parsePeriod, type Period } from './period.ts';
import { postTime, volumeStats, type CountRow, type VolumeStats } from './stats.ts';
import { departmentTimeliness, type TimelinessReport } from './timeliness.ts';

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
  return { type: 'table', columns: [first, '数量', '占比'], rows: rows.map((r) => [r.name, r.count, pct(r.share)]) };
}

function countSheet(name: string, first: string, rows: CountRow[]): Sheet {
  return { name, columns: [{ header: first, width: 28 }, { header: '数量', format: 'number' }, { header: '占比', format: 'percent' }], rows: rows.map((r) => [r.name, r.count, r.share]) };
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
  if (before === 0) return now === 0 ? '持平' : '上期无数据';
  const d = (now - before) / before;
  return d === 0 ? '持平' : `${d > 0 ? '上升' : '下降'} ${pct(Math.abs(d))}`;
}

function summary(stats: VolumeStats, before: number, t: TimelinessReport): string {
  const risky = stats.byRisk.filter((r) => r.key === 'orange' || r.key === 'red').reduce((s, r) => s + r.count, 0);
  const top = stats.hotIssues[0];
  const parts = [
    `本期共监测到相关信息 ${stats.total} 条，环比${change(stats.total, before)}；其中负面信息 ${stats.negative} 条，占 ${pct(stats.negativeShare)}`,
    risky ? `重大及以上等级信息 ${risky} 条` : '未出现重大及以上等级信息',
    `新立舆情处置单 ${t.total.cases} 件，已回复 ${t.total.replied} 件，按时回复率 ${pct(t.total.onTimeRate)}，逾期 ${t.total.overdue} 件`,
  ];
  if (top) parts.push(`最受关注的是“${top.title}”（${top.posts} 条）`);
  return `${parts.join('；')}。`;
}

function peakLines(stats: VolumeStats): string[] {
  return stats.peaks.map((b) => `${b.label}：${b.count} 条${b.events.length ? `（${b.events.join('、')}）` : ''}`);
}

function hotTable(stats: VolumeStats): { block: Block; sheet: Sheet } {
  const rows: Cell[][] = stats.hotIssues.map((h, i) => [i + 1, h.title, h.posts, h.engagement, h.heat, `${beijing(h.firstAt).slice(0, 10)} 至 ${beijing(h.lastAt).slice(0, 10)}`, h.terms.join('、')]);
  return {
    block: { type: 'table', columns: ['排名', '热点事件', '信息量', '互动量', '热度', '时间', '关键词'], rows },
    sheet: {
      name: '热点事件',
      columns: [{ header: '排名', format: 'number' }, { header: '热点事件', width: 50 }, { header: '信息量', format: 'number' }, { header: '互动量', format: 'number' }, { header: '热度', format: 'number' }, { header: '时间', width: 26 }, { header: '关键词', width: 30 }],
      rows,
    },
  };
}

export function timelinessRows(t: TimelinessReport): Cell[][] {
  return [...t.departments.filter((d) => d.cases > 0 || d.memos > 0 || d.commitments > 0), t.total].map((d) => [
    d.department,
    d.cases,
    d.replied,
    d.repliedOnTime,
    d.onTimeRate,
    d.medianReplyHours,
    d.overdue,
    d.memos ? `${d.memosOnTime}/${d.memos}` : '—',
    d.commitments ? `${d.commitmentsOnTime}/${d.commitments}` : '—',
    d.escalationsWatched ? `${d.escalationsPrevented}/${d.escalationsWatched}` : '—',
    d.verificationRate,
  ]);
}

const TIMELINESS_COLUMNS = ['部门', '处置单', '已回复', '按时回复', '按时率', '回复用时中位数（工作小时）', '逾期', '抄告单3个工作日内办结', '整改承诺按期完成', '回复后未升级', '回复核验率'];
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
    name: '部门处置时效',
    columns: TIMELINESS_COLUMNS.map((h, i) => ({ header: h, width: i === 0 ? 18 : 14, format: PERCENT_COLUMNS.has(i) ? ('percent' as const) : i === 0 || i >= 7 ? ('text' as const) : ('number' as const) })),
    rows: timelinessRows(t),
  };
}

function assessmentBlocks(a: AssessmentReport, charts: boolean): { blocks: Block[]; sheets: Sheet[] } {
  const w = a.weights;
  const sum = w.timely + w.received + w.prevented;
  const blocks: Block[] = [
    { type: 'paragraph', text: `考核依据三项指标：及时回应（权重 ${pct(w.timely / sum, 0)}）、群众评价（${pct(w.received / sum, 0)}，依据回复后跟帖情感与群众评价）、防止负面升级（${pct(w.prevented / sum, 0)}，回复后风险等级未上升）。某项无数据时不计入，其余指标按权重折算。` },
  ];
  const rankRows = a.departments.map((d) => [d.rank ?? '—', d.department, d.cases, ...d.criteria.map((c) => fmt(c.score)), fmt(d.score)]);
  blocks.push({ type: 'table', columns: ['排名', '部门', '处置单', ...CRITERIA.map((c) => CRITERION_NAMES[c]), '综合得分'], rows: rankRows });
  if (charts && a.departments.some((d) => d.score !== null)) {
    blocks.push({ type: 'chart', chart: percentChart('各部门综合得分', a.departments.map((d) => ({ name: d.department, value: d.score }))) });
  }
  blocks.push({ type: 'heading', level: 2, text: '得分明细' });
  for (const d of a.departments.filter((x) => x.cases > 0)) {
    blocks.push({ type: 'bullets', items: [`${d.department}：综合得分 ${fmt(d.score)}`, ...d.criteria.map((c) => `${c.name} ${fmt(c.score)} 分 × 权重 ${fmt(c.weight, 2)} → ${fmt(c.contribution)} 分（${c.detail}）`)] });
  }
  for (const q of a.quarters) {
    blocks.push({ type: 'heading', level: 2, text: `${q.period.label}排名` });
    if (q.departments.every((d) => d.cases === 0)) blocks.push({ type: 'paragraph', text: '本季度无新立处置单。' });
    else blocks.push({ type: 'table', columns: ['排名', '部门', '处置单', '综合得分'], rows: q.departments.map((d) => [d.rank ?? '—', d.department, d.cases, fmt(d.score)]) });
  }
  const sheets: Sheet[] = [
    {
      name: '考核排名',
      columns: [{ header: '排名', format: 'number' }, { header: '部门', width: 18 }, { header: '处置单', format: 'number' }, ...CRITERIA.map((c) => ({ header: CRITERION_NAMES[c], format: 'number' as const })), { header: '综合得分', format: 'number' }],
      rows: a.departments.map((d) => [d.rank, d.department, d.cases, ...d.criteria.map((c) => c.score), d.score]),
    },
    {
      name: '得分明细',
      columns: [{ header: '部门', width: 18 }, { header: '指标', width: 16 }, { header: '分子', format: 'number' }, { header: '分母', format: 'number' }, { header: '得分', format: 'number' }, { header: '权重', format: 'number' }, { header: '折算分', format: 'number' }, { header: '说明', width: 50 }],
      rows: a.departments.flatMap((d) => d.criteria.map((c) => [d.department, c.name, c.numerator, c.denominator, c.score, c.weight, c.contribution, c.detail])),
    },
  ];
  if (a.quarters.length) {
    sheets.push({
      name: '季度排名',
      columns: [{ header: '季度', width: 14 }, { header: '排名', format: 'number' }, { header: '部门', width: 18 }, { header: '处置单', format: 'number' }, { header: '综合得分', format: 'number' }],
      rows: a.quarters.flatMap((q) => q.departments.map((d) => [q.period.key, d.rank, d.department, d.cases, d.score])),
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
  const issuer = opts.issuer ?? (await db.selectFrom('departments').select('name').where('is_office', '=', 1).orderBy('id').executeTakeFirst())?.name ?? '舆情管理办公室';
  const subtitle = scopeName ? `${period.label}　${scopeName}` : period.label;
  const fileBase = `${title}${kind === 'special' && opts.eventId != null ? `-事件${opts.eventId}` : ''}-${period.key.replace(/\.\./g, '_')}${scopeName ? `-${scopeName}` : ''}`;

  if (kind === 'assessment') {
    const a = await assessment(db, period, { departmentId: opts.departmentId, asOf, weights: opts.weights });
    const { blocks, sheets } = assessmentBlocks(a, charts);
    return { title, subtitle, issuer, generatedAt, fileBase, blocks: [{ type: 'heading', level: 1, text: '一、考核结果' }, ...blocks], sheets };
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
  const h1 = (text: string) => blocks.push({ type: 'heading', level: 1, text: `${['一', '二', '三', '四', '五', '六', '七', '八', '九'][n++]}、${text}` });

  h1('总体情况');
  blocks.push({ type: 'paragraph', text: summary(stats, before, timeliness) });
  sheets.push({
    name: '概况',
    columns: [{ header: '指标', width: 24 }, { header: '数值', width: 18 }],
    rows: [
      ['报告', `${title}（${subtitle}）`],
      ['信息总量', stats.total],
      ['上期信息量', before],
      ['负面信息', stats.negative],
      ['负面占比', pct(stats.negativeShare)],
      ['新立处置单', timeliness.total.cases],
      ['已回复', timeliness.total.replied],
      ['按时回复率', pct(timeliness.total.onTimeRate)],
      ['逾期', timeliness.total.overdue],
      ['生成时间', beijing(generatedAt)],
    ],
  });

  h1('信息量走势');
  if (charts && stats.total > 0) blocks.push({ type: 'chart', chart: trendChart('信息量走势', stats.trend.buckets) });
  const peaks = peakLines(stats);
  blocks.push(peaks.length ? { type: 'paragraph', text: '峰值及可能原因：' } : { type: 'paragraph', text: '本期信息量平稳，未出现明显峰值。' });
  if (peaks.length) blocks.push({ type: 'bullets', items: peaks });
  const calendar = stats.calendar.map((e) => `${e.name}（${e.firstDay === e.lastDay ? e.firstDay : `${e.firstDay} 至 ${e.lastDay}`}）`);
  if (calendar.length) blocks.push({ type: 'paragraph', text: `本期重点时段：${calendar.join('；')}。` });
  sheets.push({
    name: '走势',
    columns: [{ header: '时间', width: 16 }, { header: '信息量', format: 'number' }, { header: '负面', format: 'number' }, { header: '峰值', width: 8 }, { header: '同期事件', width: 30 }],
    rows: stats.trend.buckets.map((b) => [b.key, b.count, b.negative, b.peak ? '是' : '', b.events.join('、')]),
  });

  h1('分布情况');
  const bySentiment = [...stats.bySentiment].sort((a, b) => SENTIMENT_ORDER.indexOf(a.key) - SENTIMENT_ORDER.indexOf(b.key));
  if (charts && stats.total > 0) blocks.push({ type: 'chart', chart: pieChart('情感倾向分布', bySentiment) });
  blocks.push({ type: 'heading', level: 2, text: '情感倾向' }, countTable(bySentiment, '情感倾向'));
  blocks.push({ type: 'heading', level: 2, text: '舆情等级' }, countTable(stats.byRisk, '等级'));
  blocks.push({ type: 'heading', level: 2, text: '信息来源' }, countTable(stats.bySource, '来源'));
  if (charts && stats.byTopic.length > 1) blocks.push({ type: 'chart', chart: barChart('话题分布', stats.byTopic) });
  blocks.push({ type: 'heading', level: 2, text: '话题' }, countTable(stats.byTopic.slice(0, 15), '话题'));
  blocks.push({ type: 'heading', level: 2, text: '责任部门' }, countTable(stats.byDepartment, '部门'));
  sheets.push(countSheet('来源', '来源', stats.bySource), countSheet('话题', '话题', stats.byTopic), countSheet('情感', '情感倾向', bySentiment), countSheet('等级', '等级', stats.byRisk), countSheet('部门', '部门', stats.byDepartment));

  h1('热点事件');
  const hot = hotTable(stats);
  if (stats.hotIssues.length) blocks.push(hot.block);
  else blocks.push({ type: 'paragraph', text: '本期未形成热点事件。' });
  sheets.push(hot.sheet);
  if (stats.hotEvents.length) {
    blocks.push({ type: 'paragraph', text: `事件库中本期最活跃的事件：${stats.hotEvents.slice(0, 5).map((e) => `${e.title}（${e.posts} 条${e.riskLevel ? `，${RISK_LEVEL_LABELS[e.riskLevel as RiskLevel] ?? e.riskLevel}` : ''}）`).join('；')}。` });
  }

  if (stats.topTopics.length) {
    h1('重点话题');
    blocks.push({ type: 'table', columns: ['话题', '本期数量', '占比', '近12个月出现月数'], rows: stats.topTopics.map((t) => [t.name, t.count, pct(t.share), t.months]) });
    sheets.push({ name: '重点话题', columns: [{ header: '话题', width: 24 }, { header: '本期数量', format: 'number' }, { header: '占比', format: 'percent' }, { header: '近12个月出现月数', format: 'number' }], rows: stats.topTopics.map((t) => [t.name, t.count, t.share, t.months]) });
  }

  h1('部门处置时效');
  if (timeliness.total.cases === 0 && timeliness.total.memos === 0 && timeliness.total.commitments === 0) {
    blocks.push({ type: 'paragraph', text: '本期无新立处置单。' });
  } else {
    blocks.push(timelinessBlock(timeliness));
    const rated = timeliness.departments.filter((d) => d.onTimeRate !== null);
    if (charts && rated.length > 1) blocks.push({ type: 'chart', chart: percentChart('各部门按时回复率（%）', rated.map((d) => ({ name: d.department, value: d.onTimeRate! * 100 }))) });
  }
  sheets.push(timelinessSheet(timeliness));

  if (kind === 'annual') {
    h1('年度考核');
    const a = await assessment(db, period, { departmentId: opts.departmentId, asOf, weights: opts.weights });
    const part = assessmentBlocks(a, charts);
    blocks.push(...part.blocks);
    sheets.push(...part.sheets);
  }
  sheets.push(await ledgerSheet(db, period, opts.departmentId, asOf));
  return { title, subtitle, issuer, generatedAt, fileBase, blocks, sheets };
}
