/**
 * The names of the source kinds, as stored in `sources.kind`. Pure data (the schema reads it);
 * each name has its provider file under sources/, registered in sources/index.ts.
 */
export const SOURCE_KIND_NAMES = ['feed', 'html', 'json', 'push', 'import', 'manual'] as const;
export type SourceKindName = (typeof SOURCE_KIND_NAMES)[number];

export function isSourceKindName(v: unknown): v is SourceKindName {
  return typeof v === 'string' && (SOURCE_KIND_NAMES as readonly string[]).includes(v);
}

/**
 * How precise a post's published time is (`posts.published_precision`): a date alone ('day') is
 * shown as a date and never counted in an hour; null (older rows) counts as exact.
 */
export const PUBLISHED_PRECISIONS = ['second', 'minute', 'hour', 'day'] as const;
export type PublishedPrecision = (typeof PUBLISHED_PRECISIONS)[number];

/**
 * Why a stored post neither alerts nor opens a case (`posts.standing`, decided when it is stored,
 * collect/standing.ts); null for an ordinary post. Such posts are still stored and analysed.
 */
export const POST_STANDINGS = [
  /** Written by a registered responder account: our own reply or statement (linked to its case). */
  'ours',
  /** From a source watched for reference (参考: a peer region, the same industry): the office's digest only. */
  'reference',
  /** Imported as history (`import --history`). */
  'history',
  /** Published before its source was added, or older than the workspace's limit. */
  'old',
] as const;
export type PostStanding = (typeof POST_STANDINGS)[number];

/**
 * What a source's last failed run ran into (`sources.problem`, classified in collect/problems.ts):
 * 登录失效/Cookie 过期, 被拦截 (an anti-bot wall), 解析失败, 无法连接, or another error.
 */
export const SOURCE_PROBLEMS = ['login', 'blocked', 'parse', 'connect', 'error'] as const;
export type SourceProblem = (typeof SOURCE_PROBLEMS)[number];

/** A source's health as people read it (collect/problems.ts `healthOf`): a problem, silence, or how it runs. */
export const SOURCE_HEALTH_STATES = ['ok', 'new', 'paused', 'silent', ...SOURCE_PROBLEMS] as const;
export type SourceHealthState = (typeof SOURCE_HEALTH_STATES)[number];
