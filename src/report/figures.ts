import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import { localDate } from '../time/calendar.ts';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { assessment, type Weights } from './assessment.ts';
import { isReportKind } from './kinds.ts';
import { resolvePeriod } from './render.ts';
import { scopeDepartment, visibleEvent } from './scope.ts';
import { volumeStats } from './stats.ts';
import { departmentTimeliness } from './timeliness.ts';

/**
 * The figures behind a report as JSON (`minsheng report --format json`), for scripts and
 * checks: the statistics and timeliness of a brief's period, or the assessment.
 */
export async function reportFigures(
  db: Kysely<Database>,
  actor: Actor,
  req: { kind: string; period?: string; eventId?: number | null; departmentId?: number | null; weights?: Weights; asOf?: string },
) {
  assertCan(actor, 'reports.read');
  if (!isReportKind(req.kind)) throw new ValidationError(`unknown report kind "${req.kind}"`, t('report.error.kind', { kind: req.kind }));
  let periodText = req.period;
  if (req.kind === 'special') {
    if (req.eventId == null) throw new ValidationError('a special brief needs an event', t('report.error.eventRequired'));
    const ev = await visibleEvent(db, actor, req.eventId);
    periodText ??= `${localDate(ev.first_seen_at)}..${localDate(ev.last_seen_at)}`;
  }
  const period = resolvePeriod(req.kind, periodText);
  const departmentId = await scopeDepartment(db, actor, req.departmentId);
  if (req.kind === 'assessment') return { kind: req.kind, assessment: await assessment(db, period, { departmentId, weights: req.weights, asOf: req.asOf }) };
  const [volume, timeliness] = await Promise.all([
    volumeStats(db, period, { departmentId, eventId: req.kind === 'special' ? req.eventId : null }),
    departmentTimeliness(db, period, { departmentId, asOf: req.asOf }),
  ]);
  return { kind: req.kind, ...volume, timeliness };
}
