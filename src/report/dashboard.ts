import type { Kysely } from 'kysely';
import { localDate } from '../cases/calendar.ts';
import type { Database } from '../db/schema.ts';
import { num } from '../db/values.ts';
import { addDays, parsePeriod, periodContaining } from './period.ts';
import { hotEventsOf, mostEngaged, postTime, trendOf, type HotEvent } from './stats.ts';
import { departmentTimeliness, type DepartmentTimeliness } from './timeliness.ts';
import { hotIssues, type HotIssue } from './hot-issues.ts';
import type { TrendBucket } from './trend.ts';

/**
 * The figures of the console's dashboard and reports page: today's volume and negative share,
 * open alerts, cases by state, overdue cases, the 30-day trend, the week's hot events, and this
 * month's timeliness by department. `departmentId` limits everything to one department (heads).
 */
export interface Dashboard {
  today: { date: string; posts: number; negative: number; negativeShare: number };
  openAlerts: number;
  casesByState: Record<string, number>;
  overdue: number;
  trend: TrendBucket[];
  hotEvents: HotEvent[];
  hotIssues: Omit<HotIssue, 'postIds'>[];
  timeliness: DepartmentTimeliness[];
  generatedAt: string;
}

export async function dashboard(db: Kysely<Database>, opts: { departmentId?: number | null; now?: Date } = {}): Promise<Dashboard> {
  const now = opts.now ?? new Date();
  const nowIso = now.toISOString();
  const today = localDate(now);
  const dept = opts.departmentId ?? null;

  let todayQ = db
    .selectFrom('posts')
    .select(['posts.sentiment_label', (eb) => eb.fn.countAll().as('n')])
    .where(postTime, '>=', parsePeriod(today).start)
    .where(postTime, '<', parsePeriod(today).end)
    .groupBy('posts.sentiment_label');
  if (dept !== null) todayQ = todayQ.where('posts.department_id', '=', dept);
  const todayRows = await todayQ.execute();
  const posts = todayRows.reduce((s, r) => s + num(r.n), 0);
  const negative = num(todayRows.find((r) => r.sentiment_label === 'negative')?.n);

  let casesQ = db.selectFrom('cases').select(['state', (eb) => eb.fn.countAll().as('n')]).groupBy('state');
  if (dept !== null) casesQ = casesQ.where('lead_department_id', '=', dept);
  const casesByState = Object.fromEntries((await casesQ.execute()).map((r) => [r.state, num(r.n)]));

  let overdueQ = db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('replied_at', 'is', null)
    .where('state', 'not in', ['replied', 'following_up', 'closed'])
    .where((eb) => eb.or([eb('overdue', '=', 1), eb('deadline_at', '<', nowIso)]));
  if (dept !== null) overdueQ = overdueQ.where('lead_department_id', '=', dept);
  const overdue = num((await overdueQ.executeTakeFirst())?.n);

  // Open alerts: not acknowledged, from the last 30 days; one matter on several channels counts once.
  let alertsQ = db
    .selectFrom('alerts')
    .leftJoin('posts', 'posts.id', 'alerts.post_id')
    .leftJoin('cases', 'cases.id', 'alerts.case_id')
    .select(['alerts.idempotency_key'])
    .where('alerts.acknowledged_at', 'is', null)
    .where('alerts.kind', '!=', 'report')
    .where('alerts.status', '!=', 'digested')
    .where('alerts.created_at', '>=', new Date(now.getTime() - 30 * 86_400_000).toISOString());
  if (dept !== null) alertsQ = alertsQ.where((eb) => eb.or([eb('posts.department_id', '=', dept), eb('cases.lead_department_id', '=', dept)]));
  const openAlerts = new Set((await alertsQ.execute()).map((a) => a.idempotency_key.replace(/\|ch\d+$/, ''))).size;

  const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
  const week = parsePeriod(`${addDays(today, -6)}..${today}`);
  // Everything below is aggregated by the database; only the hot issues cluster posts, a
  // bounded sample of them, and that result is kept for a few minutes.
  const [trend, hotEvents, issues, timeliness] = await Promise.all([
    trendOf(db, last30, { departmentId: dept }),
    hotEventsOf(db, week, { departmentId: dept }, 5),
    weekHotIssues(db, week, dept, now.getTime()),
    departmentTimeliness(db, periodContaining('month', today), { departmentId: dept, asOf: nowIso }),
  ]);
  return {
    today: { date: today, posts, negative, negativeShare: posts ? negative / posts : 0 },
    openAlerts,
    casesByState,
    overdue,
    trend: trend.buckets,
    hotEvents,
    hotIssues: issues,
    timeliness: timeliness.departments,
    generatedAt: nowIso,
  };
}

/** The dashboard clusters at most this many posts of the week for its hot issues: the most engaged. */
export const DASHBOARD_CLUSTER_SAMPLE = 2_000;
/** How long the dashboard's hot issues of one week and scope are reused. */
export const HOT_ISSUES_TTL_MS = 5 * 60_000;

type IssueRow = Omit<HotIssue, 'postIds'>;
const issueCache = new WeakMap<Kysely<Database>, Map<string, { at: number; value: Promise<IssueRow[]> }>>();

/**
 * The week's hot issues for the dashboard: clustered over the most engaged posts only and kept
 * per database, week and department for a few minutes (concurrent requests share one run).
 * The briefs (`volumeStats`) still cluster the whole period.
 */
function weekHotIssues(db: Kysely<Database>, week: { start: string; end: string }, dept: number | null, nowMs: number): Promise<IssueRow[]> {
  let cache = issueCache.get(db);
  if (!cache) issueCache.set(db, (cache = new Map()));
  const key = `${week.start}|${week.end}|${dept ?? ''}`;
  const hit = cache.get(key);
  if (hit && nowMs - hit.at < HOT_ISSUES_TTL_MS && nowMs >= hit.at) return hit.value;
  for (const [k, v] of cache) if (nowMs - v.at >= HOT_ISSUES_TTL_MS) cache.delete(k);
  const value = mostEngaged(db, week, { departmentId: dept }, DASHBOARD_CLUSTER_SAMPLE).then((posts) =>
    hotIssues(posts, { limit: 5 }).map(({ postIds: _ids, ...rest }) => rest),
  );
  const entry = { at: nowMs, value };
  cache.set(key, entry);
  value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return value;
}
