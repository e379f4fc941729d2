import type { Kysely } from 'kysely';
import { localDate } from '../time/calendar.ts';
import type { Database } from '../db/schema.ts';
import { num } from '../db/values.ts';
import { addDays, parsePeriod, periodContaining, type Period } from './period.ts';
import { hotEventsOf, mostEngaged, trendOf, type HotEvent, hotEventSchema } from './stats.ts';
import { departmentTimeliness, type DepartmentTimeliness, departmentTimelinessSchema } from './timeliness.ts';
import { hotIssues, type HotIssue, hotIssueSchema } from './hot-issues.ts';
import type { TrendBucket } from './trend.ts';
import { z } from 'zod';
import { shapeOf } from '../shapes.ts';
import { trendBucketSchema } from './trend.ts';
import { threadRead } from '../db/read-thread.ts';

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

export const dashboardSchema = shapeOf<Dashboard>()({
  today: z.object({ date: z.string(), posts: z.number(), negative: z.number(), negativeShare: z.number() }),
  openAlerts: z.number(),
  casesByState: z.record(z.string(), z.number()),
  overdue: z.number(),
  trend: z.array(trendBucketSchema),
  hotEvents: z.array(hotEventSchema),
  hotIssues: z.array(hotIssueSchema.omit({ postIds: true })),
  timeliness: z.array(departmentTimelinessSchema),
  generatedAt: z.string(),
});

/**
 * The dashboard: its counts on the figures read thread and the week's hot items from the cache
 * (recomputed on the refresh thread), so that neither holds the serving thread (issue 23).
 */
export async function dashboard(db: Kysely<Database>, opts: { departmentId?: number | null; now?: Date } = {}): Promise<Dashboard> {
  const now = opts.now ?? new Date();
  const today = localDate(now);
  const dept = opts.departmentId ?? null;
  const week = parsePeriod(`${addDays(today, -6)}..${today}`);
  const [figures, hot] = await Promise.all([dashboardFigures(db, { departmentId: dept, now: now.toISOString() }), weekHotItems(db, week, dept, now.getTime())]);
  return { ...figures, hotEvents: hot.hotEvents, hotIssues: hot.hotIssues };
}

type DashboardFigures = Omit<Dashboard, 'hotEvents' | 'hotIssues'>;

/** Everything on the dashboard but the hot items: counts the database makes. */
const dashboardFigures = threadRead(import.meta.url, 'dashboardFigures', 'figures', async (db, args: { departmentId: number | null; now: string }): Promise<DashboardFigures> => {
  const now = new Date(args.now);
  const nowIso = args.now;
  const today = localDate(now);
  const dept = args.departmentId;

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
  // Counts are made by the database (never the rows).
  const [trend, timeliness] = await Promise.all([
    trendOf(db, last30, { departmentId: dept }),
    departmentTimeliness(db, periodContaining('month', today), { departmentId: dept, asOf: nowIso }),
  ]);
  // Today is the trend's last day (both from the daily roll-up).
  const todayBucket = trend.buckets.find((b) => b.key === today);
  const posts = todayBucket?.count ?? 0;
  const negative = todayBucket?.negative ?? 0;
  return {
    today: { date: today, posts, negative, negativeShare: posts ? negative / posts : 0 },
    openAlerts,
    casesByState,
    overdue,
    trend: trend.buckets,
    timeliness: timeliness.departments,
    generatedAt: nowIso,
  };
});

/** The dashboard clusters at most this many posts of the week for its hot issues: the most engaged. */
export const DASHBOARD_CLUSTER_SAMPLE = 2_000;
/** How long the dashboard's hot items of one week and scope are reused before they are recomputed. */
export const HOT_ITEMS_TTL_MS = 5 * 60_000;

interface HotItems {
  hotEvents: HotEvent[];
  hotIssues: Omit<HotIssue, 'postIds'>[];
}
interface HotEntry {
  at: number;
  pending: Promise<HotItems>;
  done?: HotItems;
  usedAt: number;
}
const hotCache = new WeakMap<Kysely<Database>, Map<string, HotEntry>>();

/** The week's hot events (summed over its posts) and hot issues (clustered over its most engaged posts): seconds at a million posts, so on the refresh thread. */
const hotItemsOf = threadRead(import.meta.url, 'hotItems', 'refresh', async (db, args: { week: Period; dept: number | null }): Promise<HotItems> => {
  const [hotEvents, sample] = await Promise.all([
    hotEventsOf(db, args.week, { departmentId: args.dept }, 5),
    mostEngaged(db, args.week, { departmentId: args.dept }, DASHBOARD_CLUSTER_SAMPLE),
  ]);
  return { hotEvents, hotIssues: hotIssues(sample, { limit: 5 }).map(({ postIds: _ids, ...rest }) => rest) };
});

function computeHotItems(db: Kysely<Database>, week: Period, dept: number | null): Promise<HotItems> {
  return hotItemsOf(db, { week, dept });
}

/**
 * The week's hot events and hot issues for the dashboard, kept per database, week and
 * department: fresh for `HOT_ITEMS_TTL_MS`, then answered from the last result while one
 * recomputation runs in the background (concurrent requests share one run). The briefs
 * (`volumeStats`) still cluster the whole period.
 */
async function weekHotItems(db: Kysely<Database>, week: Period, dept: number | null, nowMs: number): Promise<HotItems> {
  let cache = hotCache.get(db);
  if (!cache) hotCache.set(db, (cache = new Map()));
  const key = `${week.start}|${week.end}|${dept ?? ''}`;
  const hit = cache.get(key);
  if (hit) {
    hit.usedAt = nowMs;
    const fresh = nowMs - hit.at < HOT_ITEMS_TTL_MS && nowMs >= hit.at;
    if (fresh) return hit.done ?? hit.pending;
    if (hit.done) {
      // Stale: answer with it and refresh once in the background.
      hit.at = nowMs;
      const pending = computeHotItems(db, week, dept);
      pending.then((v) => ((hit.done = v), (hit.pending = pending))).catch(() => undefined);
      return hit.done;
    }
    return hit.pending;
  }
  for (const [k, v] of cache) if (nowMs - v.usedAt > 6 * HOT_ITEMS_TTL_MS) cache.delete(k);
  const entry: HotEntry = { at: nowMs, usedAt: nowMs, pending: computeHotItems(db, week, dept) };
  cache.set(key, entry);
  entry.pending.then(
    (v) => (entry.done = v),
    () => cache.get(key) === entry && cache.delete(key),
  );
  return entry.pending;
}
