import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { num } from '../db/values.ts';
import type { Database } from '../db/schema.ts';
import { RISK_LEVEL_LABELS, RISK_LEVELS } from '../levels.ts';
import { calendarEventsFor, type CalendarEvent, calendarEventSchema } from './calendar-events.ts';
import { heatOf, hotIssues, type ClusterPost, type HotIssue, hotIssueSchema } from './hot-issues.ts';
import { addDays, type Period, periodSchema } from './period.ts';
import { bucketCountsOfDays, findPeaks, granularityOf, trendFromCounts, trendRanges, type TrendBucket, trendBucketSchema } from './trend.ts';
import { dailyCounts } from './rollup.ts';
import { fromLocalIso } from '../time/zone.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';

/**
 * Volume statistics of a period (DESIGN §4 "Report"): by source, topic, sentiment, risk level
 * and department; the trend with its peaks and the calendar events that explain them; hot
 * events (from the events table) and hot issues (report-side clustering); the top recurring topics.
 */
export interface Scope {
  /** Only this department's posts (a head's own figures). */
  departmentId?: number | null;
  /** Only this event's posts (a 专报 on one matter). */
  eventId?: number | null;
}

export interface CountRow {
  key: string;
  name: string;
  count: number;
  share: number;
}

export interface HotEvent {
  eventId: number;
  title: string;
  topic: string | null;
  posts: number;
  engagement: number;
  heat: number;
  riskLevel: string | null;
  firstAt: string;
  lastAt: string;
}

export interface TopicRow extends CountRow {
  /** In how many of the 12 months up to the period's end the topic appeared. */
  months: number;
}

export interface VolumeStats {
  period: Period;
  total: number;
  negative: number;
  negativeShare: number;
  bySource: CountRow[];
  byTopic: CountRow[];
  bySentiment: CountRow[];
  /** 诉求类型 and 情绪 of the period's posts (issue 17; '' for posts analysed before them). */
  byAppeal: CountRow[];
  byEmotion: CountRow[];
  byRisk: CountRow[];
  byDepartment: CountRow[];
  trend: { granularity: 'hour' | 'day' | 'month'; buckets: TrendBucket[] };
  peaks: TrendBucket[];
  calendar: CalendarEvent[];
  hotEvents: HotEvent[];
  hotIssues: HotIssue[];
  topTopics: TopicRow[];
}

import { APPEAL_TEXT } from '../analyze/appeal/classify.ts';
import { EMOTION_TEXT } from '../analyze/emotion/score.ts';
import { isAppealLabel, isEmotionLabel } from '../analyze/vocabulary.ts';

const SENTIMENT_NAMES: Record<string, string> = { negative: '负面', neutral: '中性', positive: '正面' };
const UNKNOWN = '未分类';

/** When a post happened: its publication time, else when we fetched it. */
export const postTime = sql<string>`coalesce(posts.published_at, posts.fetched_at)`;

export function engagementOf(p: { views: number; replies_count: number; likes: number; reposts: number }): number {
  return p.replies_count + p.likes + p.reposts + Math.floor(p.views / 100);
}

export interface StatsOptions {
  hotLimit?: number;
  /** Most posts clustered for hot issues; the most engaged are kept beyond it. */
  clusterCap?: number;
}

/** Posts of the period counted per value of one column, by the database. */
async function countBy(
  db: Kysely<Database>,
  period: Pick<Period, 'start' | 'end'>,
  scope: Scope,
  column: 'posts.source_id' | 'posts.topic' | 'posts.sentiment_label' | 'posts.appeal_label' | 'posts.emotion_label' | 'posts.risk_level' | 'posts.department_id',
): Promise<Map<string, number>> {
  const rows = await postsIn(db, period, scope)
    .select([sql<string | number | null>`${sql.ref(column)}`.as('key'), (eb) => eb.fn.countAll().as('n')])
    .groupBy(column)
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = r.key == null ? '' : String(r.key);
    counts.set(key, (counts.get(key) ?? 0) + num(r.n));
  }
  return counts;
}

function rowsOf(counts: Map<string, number>, total: number, names: (k: string) => string = (k) => k): CountRow[] {
  return [...counts.entries()]
    .map(([key, count]) => ({ key, name: key === '' ? UNKNOWN : names(key), count, share: total ? count / total : 0 }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

export async function volumeStats(db: Kysely<Database>, period: Period, scope: Scope = {}, opts: StatsOptions = {}): Promise<VolumeStats> {
  const cap = opts.clusterCap ?? 30_000;
  const hotLimit = opts.hotLimit ?? 10;
  // Counts, the trend and the hot events are made by the database; only the hot-issue
  // clustering reads posts (the whole period up to `cap`, the most engaged kept beyond it).
  const [bySourceC, byTopicC, bySentimentC, byAppealC, byEmotionC, byRiskC, byDepartmentC, sources, departments, trend, hotEvents] = await Promise.all([
    countBy(db, period, scope, 'posts.source_id'),
    countBy(db, period, scope, 'posts.topic'),
    countBy(db, period, scope, 'posts.sentiment_label'),
    countBy(db, period, scope, 'posts.appeal_label'),
    countBy(db, period, scope, 'posts.emotion_label'),
    countBy(db, period, scope, 'posts.risk_level'),
    countBy(db, period, scope, 'posts.department_id'),
    db.selectFrom('sources').select(['id', 'name']).execute(),
    db.selectFrom('departments').select(['id', 'name']).execute(),
    trendOf(db, period, scope),
    hotEventsOf(db, period, scope, hotLimit),
  ]);
  const total = [...bySentimentC.values()].reduce((s, n) => s + n, 0);
  const sourceName = new Map(sources.map((s) => [String(s.id), s.name]));
  const deptName = new Map(departments.map((d) => [String(d.id), d.name]));
  const negative = bySentimentC.get('negative') ?? 0;
  const byRisk = rowsOf(byRiskC, total, (k) => RISK_LEVEL_LABELS[k as keyof typeof RISK_LEVEL_LABELS] ?? k);
  byRisk.sort((a, b) => RISK_LEVELS.indexOf(b.key as never) - RISK_LEVELS.indexOf(a.key as never));
  const byTopic = rowsOf(byTopicC, total);

  let issues: HotIssue[] = [];
  if (cap > 0 && hotLimit > 0 && total > 0) {
    const posts = await postsIn(db, period, scope)
      .select(['posts.id', 'posts.title', 'posts.text', 'posts.segmented', 'posts.event_id', 'posts.views', 'posts.replies_count', 'posts.likes', 'posts.reposts', postTime.as('at')])
      .execute();
    const clusterInput: ClusterPost[] = posts.map((p) => ({
      id: p.id,
      title: p.title,
      text: p.text,
      segmented: p.segmented,
      eventId: p.event_id,
      engagement: engagementOf(p),
      at: p.at,
    }));
    const clustered = clusterInput.length > cap ? [...clusterInput].sort((a, b) => b.engagement - a.engagement).slice(0, cap) : clusterInput;
    issues = hotIssues(clustered, { limit: hotLimit });
  }

  return {
    period,
    total,
    negative,
    negativeShare: total ? negative / total : 0,
    bySource: rowsOf(bySourceC, total, (k) => sourceName.get(k) ?? k),
    byTopic,
    bySentiment: rowsOf(bySentimentC, total, (k) => SENTIMENT_NAMES[k] ?? k),
    byAppeal: rowsOf(byAppealC, total, (k) => (isAppealLabel(k) ? APPEAL_TEXT[k] : k)),
    byEmotion: rowsOf(byEmotionC, total, (k) => (isEmotionLabel(k) ? EMOTION_TEXT[k] : k)),
    byRisk,
    byDepartment: rowsOf(byDepartmentC, total, (k) => deptName.get(k) ?? k),
    trend: { granularity: trend.granularity, buckets: trend.buckets },
    peaks: trend.peaks,
    calendar: trend.calendar,
    hotEvents,
    hotIssues: issues,
    topTopics: await recurringTopics(db, period, scope, byTopic),
  };
}

/** The period's top topics, each with how many of the last 12 months it appeared in (counted by the database). */
async function recurringTopics(db: Kysely<Database>, period: Period, scope: Scope, topics: CountRow[]): Promise<TopicRow[]> {
  const top = topics.filter((t) => t.key !== '').slice(0, 10);
  if (top.length === 0) return [];
  // Beijing-time months from a year before the period's last day up to it, as UTC ranges.
  const ranges: { start: string; end: string }[] = [];
  for (let m = addDays(period.lastDay, -365).slice(0, 7); m <= period.lastDay.slice(0, 7); ) {
    const next = addDays(`${m}-28`, 4).slice(0, 7);
    const start = fromLocalIso(`${m}-01T00:00:00`).toISOString();
    const end = next <= period.lastDay.slice(0, 7) ? fromLocalIso(`${next}-01T00:00:00`).toISOString() : period.end;
    ranges.push({ start, end });
    m = next;
  }
  const part = (i: number) =>
    postsIn(db, ranges[i], { departmentId: scope.departmentId })
      .select([sql.lit(i).as('m'), 'posts.topic'])
      .where('posts.topic', 'in', top.map((t) => t.key))
      .groupBy('posts.topic');
  let q = part(0);
  for (let i = 1; i < ranges.length; i++) q = q.unionAll(part(i));
  const months = new Map<string, number>();
  for (const r of await q.execute()) months.set(r.topic!, (months.get(r.topic!) ?? 0) + 1);
  return top.map((t) => ({ ...t, months: months.get(t.key) ?? 0 }));
}

/* ---- Aggregates computed in the database (the dashboard: never loads the period's rows) ---- */

/** Engagement as in `engagementOf`, computed by the database (integer division on both). */
const engagementSql = sql<number>`posts.replies_count + posts.likes + posts.reposts + posts.views / 100`;
/** The period's posts in scope; the range uses the `posts_when` expression index. */
function postsIn(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, scope: Scope): SelectQueryBuilder<Database, 'posts', {}> {
  let q = db.selectFrom('posts').where(postTime, '>=', period.start).where(postTime, '<', period.end);
  if (scope.departmentId != null) q = q.where('posts.department_id', '=', scope.departmentId);
  if (scope.eventId != null) q = q.where('posts.event_id', '=', scope.eventId);
  return q;
}

/**
 * The volume trend of a period with its peaks marked. Day and month buckets (whole Beijing days)
 * come from the daily roll-up; hourly buckets and one event's trend are counted from the posts.
 */
export async function trendOf(
  db: Kysely<Database>,
  period: Period,
  scope: Scope = {},
): Promise<{ granularity: 'hour' | 'day' | 'month'; buckets: TrendBucket[]; peaks: TrendBucket[]; calendar: CalendarEvent[] }> {
  if (scope.eventId == null && granularityOf(period) !== 'hour') {
    // Whole Beijing days: the daily roll-up (src/report/rollup.ts) answers without reading posts.
    const [days, calendar] = await Promise.all([dailyCounts(db, { firstDay: period.firstDay, lastDay: period.lastDay, departmentId: scope.departmentId }), calendarEventsFor(db, period)]);
    const trend = trendFromCounts(period, bucketCountsOfDays(period, days), calendar);
    return { ...trend, peaks: findPeaks(trend.buckets), calendar };
  }
  return trendCountedFromPosts(db, period, scope);
}

/**
 * The trend counted from the posts themselves (hourly buckets, one event's posts, and the
 * roll-up's reference): one count per bucket over its UTC range (Beijing days and hours are
 * fixed UTC ranges), all in one statement, each reading only the `posts_when_sentiment` /
 * `posts_department_when` index. Hourly buckets leave out posts published on a date alone
 * (`published_precision` 'day').
 */
export async function trendCountedFromPosts(
  db: Kysely<Database>,
  period: Period,
  scope: Scope = {},
): Promise<{ granularity: 'hour' | 'day' | 'month'; buckets: TrendBucket[]; peaks: TrendBucket[]; calendar: CalendarEvent[] }> {
  const ranges = trendRanges(period);
  // A post whose source gave a date alone is counted in its day, never in an hour (it would make a fake 0时 peak).
  const hourly = granularityOf(period) === 'hour';
  const part = (i: number) =>
    postsIn(db, ranges[i], scope)
      .$if(hourly, (q) => q.where((eb) => eb.or([eb('posts.published_precision', 'is', null), eb('posts.published_precision', '!=', 'day')])))
      .select([
      sql.lit(i).as('b'),
      (eb) => eb.fn.countAll().as('n'),
      sql<number>`sum(case when posts.sentiment_label = 'negative' then 1 else 0 end)`.as('neg'),
    ]);
  let q = part(0);
  for (let i = 1; i < ranges.length; i++) q = q.unionAll(part(i));
  const [rows, calendar] = await Promise.all([q.execute(), calendarEventsFor(db, period)]);
  const counts = new Map(rows.map((r) => [ranges[Number(r.b)].key, { count: num(r.n), negative: num(r.neg) }]));
  const trend = trendFromCounts(period, counts, calendar);
  return { ...trend, peaks: findPeaks(trend.buckets), calendar };
}

/** The period's hot events (as `volumeStats` ranks them), posts and engagement summed by the database. */
export async function hotEventsOf(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, scope: Scope = {}, limit = 10): Promise<HotEvent[]> {
  if (limit <= 0) return [];
  // No join here: the planner then has only the time range to choose an index for.
  const rows = await postsIn(db, period, scope)
    .where('posts.event_id', 'is not', null)
    .select([
      'posts.event_id as id',
      (eb) => eb.fn.countAll().as('n'),
      sql<number>`sum(${engagementSql})`.as('engagement'),
      sql<string>`min(coalesce(posts.published_at, posts.fetched_at))`.as('first_at'),
      sql<string>`max(coalesce(posts.published_at, posts.fetched_at))`.as('last_at'),
    ])
    .groupBy('posts.event_id')
    .execute();
  const ranked = rows
    .map((r) => {
      const posts = num(r.n);
      const engagement = num(r.engagement);
      return { eventId: Number(r.id), posts, engagement, heat: heatOf(posts, engagement), firstAt: r.first_at, lastAt: r.last_at };
    })
    .sort((a, b) => b.heat - a.heat || b.posts - a.posts)
    .slice(0, limit + 20);
  if (ranked.length === 0) return [];
  const events = await db
    .selectFrom('events')
    .select(['id', 'title', 'topic', 'risk_level'])
    .where('id', 'in', ranked.map((r) => r.eventId))
    .execute();
  const byId = new Map(events.map((e) => [e.id, e]));
  return ranked
    .filter((r) => byId.has(r.eventId))
    .slice(0, limit)
    .map((r) => {
      const e = byId.get(r.eventId)!;
      return { eventId: r.eventId, title: e.title, topic: e.topic, posts: r.posts, engagement: r.engagement, heat: r.heat, riskLevel: e.risk_level, firstAt: r.firstAt, lastAt: r.lastAt };
    });
}

/** The `sample` most engaged posts of the period, ready for hot-issue clustering. */
export async function mostEngaged(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, scope: Scope = {}, sample = 2_000): Promise<ClusterPost[]> {
  const rows = await postsIn(db, period, scope)
    // Clustering reads only the opening of a text (400 characters).
    .select(['posts.id', 'posts.title', sql<string>`substr(posts.text, 1, 400)`.as('text'), 'posts.segmented', 'posts.event_id', engagementSql.as('engagement'), postTime.as('at')])
    .orderBy(engagementSql, 'desc')
    .orderBy('posts.id', 'desc')
    .limit(sample)
    .execute();
  return rows.map((p) => ({ id: p.id, title: p.title, text: p.text, segmented: p.segmented, eventId: p.event_id, engagement: num(p.engagement), at: p.at }));
}

export const countRowSchema = shapeOf<CountRow>()({ key: z.string(), name: z.string(), count: z.number(), share: z.number() });

export const hotEventSchema = shapeOf<HotEvent>()({
  eventId: z.number(),
  title: z.string(),
  topic: z.string().nullable(),
  posts: z.number(),
  engagement: z.number(),
  heat: z.number(),
  riskLevel: z.string().nullable(),
  firstAt: z.string(),
  lastAt: z.string(),
});

export const volumeStatsSchema = shapeOf<VolumeStats>()({
  period: periodSchema,
  total: z.number(),
  negative: z.number(),
  negativeShare: z.number(),
  bySource: z.array(countRowSchema),
  byTopic: z.array(countRowSchema),
  bySentiment: z.array(countRowSchema),
  byAppeal: z.array(countRowSchema).describe('诉求类型'),
  byEmotion: z.array(countRowSchema).describe('情绪分布'),
  byRisk: z.array(countRowSchema),
  byDepartment: z.array(countRowSchema),
  trend: z.object({ granularity: z.enum(['hour', 'day', 'month']), buckets: z.array(trendBucketSchema) }),
  peaks: z.array(trendBucketSchema),
  calendar: z.array(calendarEventSchema),
  hotEvents: z.array(hotEventSchema),
  hotIssues: z.array(hotIssueSchema),
  topTopics: z.array(shapeOf<TopicRow>()({ ...countRowSchema.shape, months: z.number().describe('in how many of the 12 months up to the period end the topic appeared') })),
});
