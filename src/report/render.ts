import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import { localDate } from '../time/calendar.ts';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Weights } from './assessment.ts';
import { buildBrief } from './brief.ts';
import type { ReportDocument } from './document.ts';
import { toDocx } from './docx.ts';
import { isReportFormat, isReportKind, KIND_PERIODS, KIND_TITLES, MIME, SCHEDULE_PERIOD, type ReportFormat, type ReportKind } from './kinds.ts';
import { parsePeriod, PeriodError, periodContaining, previousPeriod, type Period } from './period.ts';
import { toPdf } from './pdf.ts';
import { scopeDepartment, visibleEvent } from './scope.ts';
import { toXlsx } from './xlsx.ts';

/**
 * The one entry point for a report file, used by the CLI, the API and scheduled briefs:
 * checks the request, applies the reader's department scope, builds the document and writes it.
 */
export interface ReportRequest {
  kind: string;
  format: string;
  /** Period text; default: the last complete period of the kind (the current year for an assessment). */
  period?: string;
  eventId?: number | null;
  /** Restrict to one department (office, leaders, admins); heads always get their own. */
  departmentId?: number | null;
  asOf?: string;
  weights?: Weights;
}

export interface ReportFile {
  filename: string;
  mime: string;
  data: Buffer;
  document: ReportDocument;
  period: Period;
  kind: ReportKind;
  format: ReportFormat;
}

export function periodError(text: string, err: unknown): ValidationError {
  return new ValidationError((err as Error).message, t('report.error.period', { period: text }));
}

export function resolvePeriod(kind: ReportKind, text: string | undefined, now = new Date()): Period {
  let period: Period;
  if (text === undefined || text === '') {
    if (kind === 'special') period = periodContaining('day', localDate(now));
    else if (kind === 'assessment') period = periodContaining('year', localDate(now));
    else period = previousPeriod(SCHEDULE_PERIOD[kind], now);
  } else {
    try {
      period = parsePeriod(text);
    } catch (err) {
      if (err instanceof PeriodError) throw periodError(text, err);
      throw err;
    }
  }
  const allowed = KIND_PERIODS[kind];
  if (!allowed.includes(period.kind)) {
    const expected = allowed.map((k) => t(`report.period.${k}`)).join('或');
    throw new ValidationError(`--kind ${kind} needs a ${allowed.join(' or ')} period, got "${period.key}"`, t('report.error.kindPeriod', { kind: KIND_TITLES[kind], expected, period: period.key }));
  }
  return period;
}

export async function buildReport(db: Kysely<Database>, actor: Actor, req: ReportRequest): Promise<ReportFile> {
  assertCan(actor, 'reports.read');
  if (!isReportKind(req.kind)) throw new ValidationError(`unknown report kind "${req.kind}"`, t('report.error.kind', { kind: req.kind }));
  if (!isReportFormat(req.format)) throw new ValidationError(`unknown format "${req.format}"`, t('report.error.format', { format: req.format }));
  const kind = req.kind;
  const format = req.format;
  let periodText = req.period;
  if (kind === 'special') {
    if (req.eventId == null) throw new ValidationError('a special brief needs an event', t('report.error.eventRequired'));
    const ev = await visibleEvent(db, actor, req.eventId);
    periodText ??= `${localDate(ev.first_seen_at)}..${localDate(ev.last_seen_at)}`;
  }
  const period = resolvePeriod(kind, periodText);
  const departmentId = await scopeDepartment(db, actor, req.departmentId);
  const document = await buildBrief(db, { kind, period, departmentId, eventId: kind === 'special' ? req.eventId : null, charts: format !== 'xlsx', asOf: req.asOf, weights: req.weights });
  const data = format === 'docx' ? await toDocx(document) : format === 'pdf' ? await toPdf(document) : await toXlsx(document);
  return { filename: `${document.fileBase}.${format}`, mime: MIME[format], data, document, period, kind, format };
}
