import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import { localDateTime } from '../time/format.ts';
import { RSSHUB_ROUTES, type RsshubRoute } from './rsshub.ts';
import type { SourceRow } from './types.ts';
import { SOURCE_HEALTH_STATES, type SourceHealthState, type SourceProblem } from './vocabulary.ts';

/**
 * A source's health as the office reads it: a state, a Chinese reason and what to do. Failures
 * come from `sources.problem` (classified when the answer was at hand, collect/problems.ts);
 * silence is measured against the source's own history: no new post for longer than
 * max(3 × its typical gap between posts over the 30 days before its latest (at most its latest
 * SILENCE_SAMPLE posts), a floor), and never
 * for a source watched for less than that, or with too few posts to have a typical gap.
 */

/** How far back a source's history is read to find its typical gap. */
export const SILENCE_HISTORY_MS = 30 * 86_400_000;
/** The latest posts read to find the typical gap (a source with more in 30 days is judged on these). */
export const SILENCE_SAMPLE = 200;
/** Silence is never shorter than this, however busy the source usually is. */
export const SILENCE_FLOOR_MS = 12 * 3_600_000;
/** Gaps (posts − 1) needed before a source has a typical gap. */
export const SILENCE_MIN_POSTS = 5;
/** Silence is this many typical gaps. */
export const SILENCE_FACTOR = 3;
/** A failure shown and told once it repeats (login and blocked at once: they do not heal by waiting). */
export const NOTICE_AFTER_FAILURES = 2;

export interface Silence {
  /** The latest post's published time (or when it was collected, if it gave none). */
  last_post_at: string | null;
  /** The median gap between posts (ms) over the history, null when too few posts. */
  typical_gap_ms: number | null;
  /** How long without a post counts as silent for this source (ms), null without a typical gap. */
  threshold_ms: number | null;
  silent: boolean;
}

/** Reads a source's recent posts and decides whether it has gone silent compared with its own history. */
export async function silenceOf(db: Kysely<Database> | Transaction<Database>, source: Pick<SourceRow, 'id' | 'created_at'>, now: Date): Promise<Silence> {
  // One read on (source_id, published_at): the latest posts, newest first, at most SILENCE_SAMPLE.
  const rows = await db
    .selectFrom('posts')
    .select('published_at')
    .where('source_id', '=', source.id)
    .where('published_at', '<=', now.toISOString())
    .orderBy('published_at', 'desc')
    .limit(SILENCE_SAMPLE)
    .execute();
  const last = rows[0]?.published_at ?? null;
  if (!last) return { last_post_at: null, typical_gap_ms: null, threshold_ms: null, silent: false };
  const from = Date.parse(last) - SILENCE_HISTORY_MS;
  const times = [...new Set(rows.map((r) => Date.parse(r.published_at!)))].filter((n) => Number.isFinite(n) && n >= from).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
  if (gaps.length < SILENCE_MIN_POSTS - 1) return { last_post_at: last, typical_gap_ms: null, threshold_ms: null, silent: false };
  gaps.sort((a, b) => a - b);
  const typical = gaps[Math.floor(gaps.length / 2)];
  const threshold = Math.max(SILENCE_FACTOR * typical, SILENCE_FLOOR_MS);
  // Watched for less than the threshold: too young to call silent, whatever the feed's history.
  const since = Math.max(Date.parse(last), Date.parse(source.created_at));
  return { last_post_at: last, typical_gap_ms: typical, threshold_ms: threshold, silent: now.getTime() - since > threshold };
}

export interface SourceHealth {
  state: SourceHealthState;
  /** 正常 / 长时间无新内容 / 登录失效 … */
  label: string;
  /** Why, in Chinese. */
  reason: string | null;
  /** What to do, in Chinese. */
  action: string | null;
  last_post_at: string | null;
  typical_gap_ms: number | null;
  threshold_ms: number | null;
}

export const sourceHealthInfoSchema = shapeOf<SourceHealth>()({
  state: z.enum(SOURCE_HEALTH_STATES),
  label: z.string(),
  reason: z.string().nullable(),
  action: z.string().nullable(),
  last_post_at: z.string().nullable().describe('the latest post published (UTC)'),
  typical_gap_ms: z.number().nullable().describe('median gap between posts over the 30 days before the latest'),
  threshold_ms: z.number().nullable().describe('silence longer than this is reported'),
});

/** RSSHub's cookie variable for a platform's routes, where it takes one. */
const COOKIE_VARIABLES: Partial<Record<RsshubRoute['platform'], string>> = {
  weibo: 'WEIBO_COOKIES',
  xiaohongshu: 'XIAOHONGSHU_COOKIE',
  bilibili: 'BILIBILI_COOKIE_<uid>',
  zhihu: 'ZHIHU_COOKIES',
};

/** The platform an RSSHub route URL is for (its first path segment), or null. */
export function rsshubPlatformOf(url: string | null): RsshubRoute['platform'] | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const first = path.split('/')[1] ?? '';
  return RSSHUB_ROUTES.find((r) => r.path.split('/')[1] === first)?.platform ?? null;
}

function hostOf(url: string | null): string {
  if (!url) return '-';
  try {
    return new URL(url).host;
  } catch {
    return '-';
  }
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? t('collect.health.days', { n: Math.round(h / 24) }) : t('collect.health.hours', { n: Math.max(1, Math.round(h)) });
}

/** What to do about a problem: for an RSSHub route, in RSSHub's configuration; for a site, on the source. */
function actionFor(problem: SourceProblem, source: Pick<SourceRow, 'url'>): string {
  const platform = rsshubPlatformOf(source.url);
  if (problem === 'login' && platform) {
    const variable = COOKIE_VARIABLES[platform];
    const vars = { platform: t(`rsshub.platform.${platform}` as MessageKey), variable: variable ?? '' };
    return variable ? t('collect.health.login.actionRsshubVar', vars) : t('collect.health.login.actionRsshub', vars);
  }
  if (problem === 'blocked' && platform) return t('collect.health.blocked.actionRsshub', { platform: t(`rsshub.platform.${platform}` as MessageKey) });
  return t(`collect.health.${problem}.action` as MessageKey, { host: hostOf(source.url) });
}

/** The health of a source at `now`, given its silence (silenceOf). */
export function healthOf(source: SourceRow, silence: Silence, now: Date): SourceHealth {
  const base = { last_post_at: silence.last_post_at, typical_gap_ms: silence.typical_gap_ms, threshold_ms: silence.threshold_ms };
  const problem = source.problem && (source.error_streak >= NOTICE_AFTER_FAILURES || source.problem === 'login' || source.problem === 'blocked' || source.paused === 1) ? source.problem : null;
  if (problem) {
    const since = source.error_since ?? source.last_error_at;
    return {
      ...base,
      state: problem,
      label: t(`collect.health.${problem}.label` as MessageKey),
      reason: t(`collect.health.${problem}.reason` as MessageKey, { host: hostOf(source.url), since: since ? localDateTime(since) : '-', count: source.error_streak }),
      action: source.paused === 1 ? `${actionFor(problem, source)}${t('collect.health.thenResume')}` : actionFor(problem, source),
    };
  }
  if (source.paused === 1) return { ...base, state: 'paused', label: t('collect.health.paused.label'), reason: source.paused_reason, action: t('collect.health.paused.action') };
  if (silence.silent && silence.last_post_at && silence.typical_gap_ms !== null) {
    return {
      ...base,
      state: 'silent',
      label: t('collect.health.silent.label'),
      reason: t('collect.health.silent.reason', { last: localDateTime(silence.last_post_at), quiet: hours(now.getTime() - Date.parse(silence.last_post_at)), gap: hours(silence.typical_gap_ms) }),
      action: rsshubPlatformOf(source.url) ? t('collect.health.silent.actionRsshub') : t('collect.health.silent.action'),
    };
  }
  if (source.error_streak > 0) return { ...base, state: 'ok', label: t('collect.health.retrying.label', { count: source.error_streak }), reason: null, action: null };
  if (!source.last_success_at) return { ...base, state: 'new', label: t('collect.health.new.label'), reason: null, action: null };
  return { ...base, state: 'ok', label: t('collect.health.ok.label'), reason: null, action: null };
}

/** The health of a stored source now (reads its posts). */
export async function readHealth(db: Kysely<Database> | Transaction<Database>, source: SourceRow, now = new Date()): Promise<SourceHealth> {
  return healthOf(source, await silenceOf(db, source, now), now);
}
