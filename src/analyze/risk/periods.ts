import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../../auth/policy.ts';
import type { Database, WatchPeriodTable } from '../../db/schema.ts';
import { upsertByKey, type Upserted } from '../../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { lowerAscii, type Normalizer } from '../rules/matcher.ts';
import { fromLocalIso } from '../../time/zone.ts';
import { shapeOf } from '../../shapes.ts';

/**
 * Watch periods (专题/重点时段): a time-boxed special watch such as an estate's opening sale,
 * 两会 or a 文明城市 inspection. A post published within the dates that mentions one of the
 * keywords (or any post, when there are none) gets extra risk points: 10 × boost.
 */
export const watchPeriodInput = z.object({
  name: z.string().trim().min(1).max(100),
  keywords: z.array(z.string().trim().min(1).max(100)).max(500).optional(),
  /** YYYY-MM-DD (Beijing time, from 00:00) or a full ISO date-time. */
  starts: z.string().min(1).max(40),
  /** YYYY-MM-DD (Beijing time, through 23:59:59) or a full ISO date-time. */
  ends: z.string().min(1).max(40),
  /** Risk points added are 10 × boost (0–5; default 1). */
  boost: z.number().min(0).max(5).optional(),
});
export type WatchPeriodInput = z.infer<typeof watchPeriodInput>;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A period bound as an ISO UTC string; a bare date is a day in Beijing time (UTC+8). */
export function periodBound(value: string, end: boolean): string {
  const v = value.trim();
  const bad = () => new ValidationError(`bad date ${value}`, t('periods.badDate', { value }));
  if (DATE_ONLY.test(v)) {
    const [y, m, day] = v.split('-').map(Number);
    const check = new Date(Date.UTC(y, m - 1, day));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day) throw bad();
    return fromLocalIso(`${v}T${end ? '23:59:59.999' : '00:00:00.000'}`).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) throw bad();
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw bad();
  return d.toISOString();
}

/** `watch_periods.keywords`: a post must mention one to fall into the period (none: every post). */
export const periodKeywordsJson = jsonColumn('watch_periods.keywords', z.array(z.string()));

export interface WatchPeriodView {
  id: number;
  name: string;
  keywords: string[];
  starts_at: string;
  ends_at: string;
  boost: number;
  created_at: string;
  updated_at: string;
}

export const watchPeriodViewSchema = shapeOf<WatchPeriodView>()({
  id: z.number(),
  name: z.string(),
  keywords: z.array(z.string()),
  starts_at: z.string(),
  ends_at: z.string(),
  boost: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

function view(r: Selectable<WatchPeriodTable>): WatchPeriodView {
  return { ...r, keywords: readJson(periodKeywordsJson, r.keywords, []), boost: Number(r.boost) };
}

function rowValues(data: WatchPeriodInput) {
  const starts_at = periodBound(data.starts, false);
  const ends_at = periodBound(data.ends, true);
  if (ends_at < starts_at) throw new ValidationError('period ends before it starts', t('periods.badRange'));
  return { name: data.name, keywords: toJson(data.keywords ?? []), starts_at, ends_at, boost: data.boost ?? 1 };
}

export async function listWatchPeriods(db: Kysely<Database>, actor: Actor): Promise<WatchPeriodView[]> {
  assertCan(actor, 'posts.read');
  return (await db.selectFrom('watch_periods').selectAll().orderBy('starts_at', 'desc').execute()).map(view);
}

export async function createWatchPeriod(db: Kysely<Database>, actor: Actor, input: WatchPeriodInput): Promise<WatchPeriodView> {
  assertCan(actor, 'rules.manage');
  const values = rowValues(watchPeriodInput.parse(input));
  return db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('watch_periods').select('id').where('name', '=', values.name).executeTakeFirst();
    if (dup) throw new ConflictError(`watch period ${values.name} exists`, t('periods.duplicateName', { name: values.name }));
    const now = nowIso();
    const row = await trx.insertInto('watch_periods').values({ ...values, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'watch_period.create', entity: 'watch_period', entityId: row.id, after: row });
    return view(row);
  });
}

export async function updateWatchPeriod(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<WatchPeriodInput>): Promise<WatchPeriodView> {
  assertCan(actor, 'rules.manage');
  const data = watchPeriodInput.partial().parse(patch);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_periods').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch period ${id}`);
    const cur = view(before);
    const merged = {
      name: data.name ?? cur.name,
      keywords: data.keywords ?? cur.keywords,
      starts: data.starts ?? cur.starts_at,
      ends: data.ends ?? cur.ends_at,
      boost: data.boost ?? cur.boost,
    };
    if (merged.name !== before.name) {
      const dup = await trx.selectFrom('watch_periods').select('id').where('name', '=', merged.name).executeTakeFirst();
      if (dup) throw new ConflictError(`watch period ${merged.name} exists`, t('periods.duplicateName', { name: merged.name }));
    }
    const after = await trx.updateTable('watch_periods').set({ ...rowValues(merged), updated_at: nowIso() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'watch_period.update', entity: 'watch_period', entityId: id, before, after });
    return view(after);
  });
}

/** The period of this name made to be exactly `input`, in the caller's transaction (`workspace apply`). */
export async function upsertWatchPeriodByName(trx: Transaction<Database>, actor: Actor, input: WatchPeriodInput): Promise<Upserted> {
  assertCan(actor, 'rules.manage');
  const { name, ...values } = rowValues(watchPeriodInput.parse(input));
  return (
    await upsertByKey(trx, actor, {
      table: 'watch_periods',
      key: ['name', name],
      values,
      compare: (row) => ({ ...row, boost: Number(row.boost) }),
      entity: 'watch_period',
      actions: { create: 'watch_period.create', update: 'watch_period.update' },
    })
  ).outcome;
}

export async function deleteWatchPeriod(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'rules.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_periods').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch period ${id}`);
    await trx.deleteFrom('watch_periods').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'watch_period.delete', entity: 'watch_period', entityId: id, before });
  });
}

/** A period ready for matching: keywords normalised like post text. */
export interface ActivePeriod {
  name: string;
  keywords: { raw: string; needle: string }[];
  startsAt: string;
  endsAt: string;
  boost: number;
}

export interface PeriodMatch {
  name: string;
  terms: string[];
  boost: number;
}

export async function loadPeriods(db: Kysely<Database>, normalize: Normalizer): Promise<ActivePeriod[]> {
  const rows = await db.selectFrom('watch_periods').selectAll().execute();
  return rows.map((r) => toActivePeriod(view(r), normalize));
}

export function toActivePeriod(p: Pick<WatchPeriodView, 'name' | 'keywords' | 'starts_at' | 'ends_at' | 'boost'>, normalize: Normalizer): ActivePeriod {
  return {
    name: p.name,
    keywords: p.keywords.map((k) => ({ raw: k, needle: lowerAscii(normalize(k)) })).filter((k) => k.needle),
    startsAt: p.starts_at,
    endsAt: p.ends_at,
    boost: p.boost,
  };
}

/** The periods a post falls into: within the dates and (when the period has keywords) mentioning one. */
export function matchPeriods(periods: readonly ActivePeriod[], normalizedLowerText: string, at: string): PeriodMatch[] {
  const out: PeriodMatch[] = [];
  for (const p of periods) {
    if (at < p.startsAt || at > p.endsAt) continue;
    if (!p.keywords.length) {
      out.push({ name: p.name, terms: [], boost: p.boost });
      continue;
    }
    const terms = p.keywords.filter((k) => normalizedLowerText.includes(k.needle)).map((k) => k.raw);
    if (terms.length) out.push({ name: p.name, terms, boost: p.boost });
  }
  return out;
}
