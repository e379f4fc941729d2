import type { Kysely, Transaction } from 'kysely';
import { enqueueNotice } from '../alert/outbox.ts';
import type { Database } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { readHealth, type SourceHealth } from './source-health.ts';
import type { SourceRow } from './types.ts';
import { localDateTime } from '../time/format.ts';
import type { SourceProblem } from './vocabulary.ts';

/** Consecutive failed runs after which a source pauses itself and the office is told. */
export const PAUSE_AFTER_FAILURES = 5;
const MAX_BACKOFF_SECONDS = 6 * 3600;

/**
 * The next check, jittered by ±10% so that sources with equal intervals spread out; `early` (a
 * 高频 source) only by −10%…0, so that it is never checked later than its interval promises.
 */
export function nextCheckAfter(now: Date, seconds: number, jitter: boolean | 'early' = true): string {
  const j = jitter === 'early' ? -seconds * Math.random() * 0.1 : jitter ? seconds * (Math.random() * 0.2 - 0.1) : 0;
  return new Date(now.getTime() + Math.max(1, seconds + j) * 1000).toISOString();
}

/** The warnings kept on a source's health: the last run's, one per line, within a column's reach. */
export function warningText(warnings: string[]): string {
  const text = warnings.slice(0, 20).join('\n') + (warnings.length > 20 ? `\n… ${warnings.length - 20} more` : '');
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

/**
 * A successful run: the streak ends and the next check is scheduled. Its warnings (bytes replaced
 * under a charset, a charset switched, selectors matching nothing) are kept on the source's health
 * until a later run has warnings of its own or the source is edited.
 */
export async function recordSuccess(
  db: Kysely<Database>,
  source: SourceRow,
  now: Date,
  validators: { etag: string | null; lastModified: string | null },
  warnings: string[] = [],
): Promise<void> {
  await db
    .updateTable('sources')
    .set({
      ...(warnings.length ? { last_warning: warningText(warnings), last_warning_at: now.toISOString() } : {}),
      last_success_at: now.toISOString(),
      error_streak: 0,
      error_since: null,
      problem: null,
      etag: validators.etag,
      last_modified: validators.lastModified,
      next_check_at: nextCheckAfter(now, source.interval_seconds, source.high_frequency === 1 ? 'early' : true),
    })
    .where('id', '=', source.id)
    .execute();
}

/**
 * Counts a failed run: the reason and its problem (collect/problems.ts) are kept, the next check
 * backs off exponentially (or waits as long as the site's Retry-After asked); once the source is
 * unhealthy (source-health.ts) the office is told once for the spell, and after
 * PAUSE_AFTER_FAILURES in a row the source pauses itself and a notice goes to the office, in the
 * same transaction.
 */
export async function recordFailure(db: Kysely<Database>, source: SourceRow, now: Date, reason: string, retryAfterSeconds: number | null = null, problem: SourceProblem = 'error'): Promise<{ paused: boolean }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('sources').select(['error_streak', 'error_since', 'paused']).where('id', '=', source.id).executeTakeFirstOrThrow();
    const streak = current.error_streak + 1;
    const since = current.error_since ?? now.toISOString();
    const backoff = Math.min(source.interval_seconds * 2 ** Math.min(streak - 1, 6), MAX_BACKOFF_SECONDS);
    const wait = Math.max(backoff, retryAfterSeconds ?? 0);
    const pause = streak >= PAUSE_AFTER_FAILURES && !current.paused;
    await trx
      .updateTable('sources')
      .set({
        error_streak: streak,
        error_since: since,
        last_error: reason.slice(0, 1000),
        last_error_at: now.toISOString(),
        problem,
        next_check_at: nextCheckAfter(now, wait),
        ...(pause ? { paused: 1, paused_reason: reason.slice(0, 1000) } : {}),
      })
      .where('id', '=', source.id)
      .execute();
    const after = await trx.selectFrom('sources').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
    await noticeUnhealthy(trx, after, await readHealth(trx, after, now));
    if (pause) {
      const vars = { name: source.name, kind: t(`collect.kind.${source.kind}`), url: source.url ?? '-', since: localDateTime(since), count: streak, reason };
      await enqueueNotice(trx, {
        kind: 'source.failing',
        key: `source.failing:${source.id}:${since}`,
        level: 'yellow',
        officeOnly: true,
        departmentId: null,
        title: t('collect.sourceFailing.title', vars),
        body: t('collect.sourceFailing.body', vars),
      });
    }
    return { paused: pause };
  });
}

/**
 * After a run that brought nothing new: if the source has gone silent compared with its own
 * history, the office is told once for this silence.
 */
export async function checkSilence(db: Kysely<Database>, source: SourceRow, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sources').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
    const health = await readHealth(trx, row, now);
    if (health.state === 'silent') await noticeUnhealthy(trx, row, health);
  });
}

/**
 * Tells the office once when a source turns unhealthy: the key names the spell (the failure
 * streak's start, or the latest post before the silence), so the next polls of the same spell
 * add nothing and a source that recovered and broke again is told again.
 */
export async function noticeUnhealthy(trx: Transaction<Database>, source: SourceRow, health: SourceHealth): Promise<void> {
  if (health.state === 'ok' || health.state === 'new' || health.state === 'paused') return;
  const spell = health.state === 'silent' ? health.last_post_at : (source.error_since ?? source.last_error_at);
  const vars = { name: source.name, label: health.label, reason: health.reason ?? '-', action: health.action ?? '-' };
  await enqueueNotice(trx, {
    kind: 'source.failing',
    key: `source.health:${source.id}:${health.state}:${spell}`,
    level: 'yellow',
    officeOnly: true,
    departmentId: null,
    title: t('collect.health.notice.title', vars),
    body: t('collect.health.notice.body', vars),
  });
}
