import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, can, canSeeDepartment, departmentScope } from '../auth/policy.ts';
import { keepMaskedSecrets, maskedPaths, maskSecrets, maskUrl } from '../auth/secrets.ts';
import type { Database } from '../db/schema.ts';
import { sameFields, type Upserted } from '../db/upsert.ts';
import { nowIso, num, readJson, toJson } from '../db/values.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { hasRemovedPrivateNetworkOption, REMOVED_PRIVATE_NETWORK_REASON } from './sources/common.ts';
import { kindOf, SOURCE_KINDS } from './sources/index.ts';
import { sourceConfigJson, type SourceRow } from './types.ts';
import { readHealth, sourceHealthInfoSchema, type SourceHealth } from './source-health.ts';
import { SOURCE_PROBLEMS } from './vocabulary.ts';
import { shapeOf } from '../shapes.ts';
import { fieldProblems } from '../forms/issues.ts';

export const DEFAULT_INTERVAL_SECONDS = 300;
/** The shortest interval of a source; a 高频 (high-frequency) source may go down to HIGH_FREQUENCY_MIN_SECONDS. */
export const MIN_INTERVAL_SECONDS = 60;
export const HIGH_FREQUENCY_MIN_SECONDS = 10;
/** At most this many 高频 sources per host, so that one site sees at most a request every few seconds from us. */
export const HIGH_FREQUENCY_PER_HOST = 3;

export const sourceInput = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(SOURCE_KINDS),
  url: z.string().max(2000).nullable().optional(),
  config: z.record(z.string(), z.unknown()).optional().describe('kind-specific options: selectors/preset (html), field mapping (json), charset …'),
  interval_seconds: z
    .number()
    .int()
    .min(HIGH_FREQUENCY_MIN_SECONDS)
    .max(7 * 86400)
    .optional()
    .describe(`seconds between checks: at least ${MIN_INTERVAL_SECONDS}, or ${HIGH_FREQUENCY_MIN_SECONDS} for a high-frequency source`),
  high_frequency: z.boolean().optional().describe(`高频: a polled source checked every ${HIGH_FREQUENCY_MIN_SECONDS}–${MIN_INTERVAL_SECONDS - 1} s (at most ${HIGH_FREQUENCY_PER_HOST} per host)`),
  weight: z.number().min(0).max(10).optional(),
  department_id: z.number().int().positive().nullable().optional(),
  paused: z.boolean().optional(),
  reference: z.boolean().optional().describe('参考: watched for reference (peer region, same industry); its items go to the office digest and open no case'),
});
export type SourceInput = z.infer<typeof sourceInput>;

/** A source as shown to people: config parsed with its secrets masked, the push token hash never included. */
export function publicSource(row: SourceRow) {
  const { push_token_hash, config, url, last_error, ...rest } = row;
  return { ...rest, url: url === null ? null : maskUrl(url), last_error: last_error === null ? null : maskUrl(last_error), config: maskSecrets(readJson(sourceConfigJson, config, {})), has_push_token: !!push_token_hash };
}

/** A source as this actor may see it: only those who manage sources see how one is configured. */
export function sourceFor(actor: Actor, row: SourceRow): PublicSource {
  const shown = publicSource(row);
  return can(actor, 'sources.manage') ? shown : { ...shown, config: {} };
}

/** A config given back by a person onto the stored one: masked secrets keep their stored value; a secret never given is refused. */
export function withStoredSecrets(stored: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const config = keepMaskedSecrets(stored, given);
  const missing = maskedPaths(config);
  if (missing.length) {
    const detail = missing.map((p) => p.join('.')).join(', ');
    throw new ValidationError(`masked value without a stored secret: ${detail}`, t('collect.maskedSecret', { detail }));
  }
  return config;
}
export type PublicSource = ReturnType<typeof publicSource>;

/** A source as the API shows it (`publicSource`). */
export const publicSourceSchema = shapeOf<PublicSource>()({
  id: z.number(),
  name: z.string(),
  kind: z.enum(SOURCE_KINDS),
  url: z.string().nullable().describe('credentials masked'),
  config: z.record(z.string(), z.unknown()).describe('secrets masked; empty for those who do not manage sources'),
  interval_seconds: z.number(),
  weight: z.number(),
  department_id: z.number().nullable(),
  paused: z.number(),
  etag: z.string().nullable(),
  last_modified: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  error_streak: z.number(),
  next_check_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  error_since: z.string().nullable(),
  paused_reason: z.string().nullable().describe('why the source paused itself; null when paused by hand or running'),
  last_warning: z.string().nullable(),
  last_warning_at: z.string().nullable(),
  high_frequency: z.number().describe('1: 高频, checked every 10–59 s'),
  reference: z.number().describe('1: watched for reference (参考); its items go to the office digest and open no case'),
  problem: z.enum(SOURCE_PROBLEMS).nullable().describe('what the last failed run ran into: login, blocked, parse, connect, error'),
  has_push_token: z.boolean(),
});

/** A source in the list, with its number of posts. */
export const sourceListItemSchema = shapeOf<Awaited<ReturnType<typeof listSources>>[number]>()({ ...publicSourceSchema.shape, posts: z.number(), health: sourceHealthInfoSchema });

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Checks kind, URL and kind-specific config; returns the normalised config. zh-CN errors. */
export function validateSource(kind: string, url: string | null | undefined, config: unknown): Record<string, unknown> {
  const k = kindOf(kind);
  if (!k) throw new ValidationError(`unknown source kind ${kind}`, t('collect.unknownKind', { kind }));
  if (k.needsUrl) {
    if (!url) throw new ValidationError(`a ${kind} source needs a url`, t('collect.urlRequired', { kind }));
    let u: URL | null = null;
    try {
      u = new URL(url);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new ValidationError(`bad url ${url}`, t('collect.badUrl', { url }));
  }
  if (hasRemovedPrivateNetworkOption(config)) throw new ValidationError(REMOVED_PRIVATE_NETWORK_REASON, t('outbound.sourceOptionRemoved'));
  const parsed = k.config.safeParse(config ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `config${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`).join('; ');
    const fields = fieldProblems(parsed.error.issues, 'source');
    throw new ValidationError(`bad ${kind} config: ${detail}`, t('collect.badConfig', { detail: fields.map((f) => f.message).join('；') }), { fields });
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * A source's interval: at least a minute, unless the office marked the source 高频 (high
 * frequency): a polled source (feed, HTML, JSON API) on a host with fewer than
 * HIGH_FREQUENCY_PER_HOST other 高频 sources, checked every 10 s or more. The fetcher stays polite
 * to it as to any source: robots.txt and its Crawl-delay, the per-host cap and delay, conditional GET.
 */
async function assertInterval(
  trx: Kysely<Database> | Transaction<Database>,
  s: { kind: string; url: string | null | undefined; interval: number; highFrequency: boolean; id: number | null },
): Promise<void> {
  if (s.interval < MIN_INTERVAL_SECONDS && !s.highFrequency) {
    throw new ValidationError(`interval ${s.interval} s is below ${MIN_INTERVAL_SECONDS} s for a source not marked high-frequency`, t('collect.intervalTooShort', { min: MIN_INTERVAL_SECONDS, fast: HIGH_FREQUENCY_MIN_SECONDS }));
  }
  if (!s.highFrequency) return;
  if (!kindOf(s.kind)?.needsUrl || !s.url) throw new ValidationError(`a ${s.kind} source is not polled and cannot be high-frequency`, t('collect.highFrequencyNotPolled', { kind: s.kind }));
  const host = new URL(s.url).host.toLowerCase();
  let others = trx.selectFrom('sources').select(['id', 'url']).where('high_frequency', '=', 1);
  if (s.id !== null) others = others.where('id', '!=', s.id);
  const sameHost = (await others.execute()).filter((o) => {
    try {
      return o.url !== null && new URL(o.url).host.toLowerCase() === host;
    } catch {
      return false;
    }
  });
  if (sameHost.length >= HIGH_FREQUENCY_PER_HOST) {
    throw new ValidationError(`host ${host} already has ${sameHost.length} high-frequency sources`, t('collect.highFrequencyHostFull', { host, max: HIGH_FREQUENCY_PER_HOST }));
  }
}

export async function listSources(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'posts.read');
  const rows = await db.selectFrom('sources').selectAll().where(departmentScope(actor, 'sources.department_id')).orderBy('name').execute();
  const counts = await db.selectFrom('posts').select(['source_id', db.fn.countAll().as('n')]).groupBy('source_id').execute();
  const byId = new Map(counts.map((c) => [c.source_id, num(c.n)]));
  const now = new Date();
  // Each health is one indexed read; on PostgreSQL they run side by side on the pool.
  const healths = await Promise.all(rows.map((r) => readHealth(db, r, now)));
  return rows.map((r, i) => ({ ...sourceFor(actor, r), posts: byId.get(r.id) ?? 0, health: healths[i] }));
}

export async function getSourceRow(db: Kysely<Database> | Transaction<Database>, id: number): Promise<SourceRow> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`source ${id}`);
  return row;
}

/**
 * A source the actor may see: a responder or head sees their department's sources and the shared
 * ones; another department's source answers exactly like a missing one.
 */
export async function visibleSource(db: Kysely<Database> | Transaction<Database>, actor: Actor, id: number): Promise<SourceRow> {
  const row = await getSourceRow(db, id);
  assertSourceVisible(actor, row, await officeDepartmentIds(db));
  return row;
}

export function assertSourceVisible(actor: Actor, source: SourceRow, officeIds: readonly number[]): void {
  if (!canSeeDepartment(actor, source.department_id, officeIds)) throw new NotFoundError(`source ${source.id}`);
}

export async function sourceByName(db: Kysely<Database>, name: string): Promise<SourceRow> {
  const row = await db.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new AppError(`source "${name}" not found`, 404, 'not_found', t('collect.sourceNotFound', { name }));
  return row;
}

async function assertDepartment(db: Kysely<Database> | Transaction<Database>, id: number | null | undefined) {
  if (id === null || id === undefined) return;
  const d = await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst();
  if (!d) throw new ValidationError(`department ${id} does not exist`, t('error.validation', { detail: `department_id ${id}` }));
}

async function insertSource(trx: Transaction<Database>, actor: Actor, data: SourceInput, config: Record<string, unknown>, pushTokenHash: string | null = null) {
  await assertDepartment(trx, data.department_id);
  const dup = await trx.selectFrom('sources').select('id').where('name', '=', data.name).executeTakeFirst();
  if (dup) throw new ConflictError(`source ${data.name} exists`, t('collect.sourceExists', { name: data.name }));
  await assertInterval(trx, { kind: data.kind, url: data.url, interval: data.interval_seconds ?? DEFAULT_INTERVAL_SECONDS, highFrequency: data.high_frequency ?? false, id: null });
  const now = nowIso();
  const row = await trx
    .insertInto('sources')
    .values({
      name: data.name,
      kind: data.kind,
      url: data.url ?? null,
      config: toJson(config),
      interval_seconds: data.interval_seconds ?? DEFAULT_INTERVAL_SECONDS,
      high_frequency: data.high_frequency ? 1 : 0,
      weight: data.weight ?? 1,
      department_id: data.department_id ?? null,
      paused: data.paused ? 1 : 0,
      reference: data.reference ? 1 : 0,
      error_streak: 0,
      push_token_hash: pushTokenHash,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'source.create', entity: 'source', entityId: row.id, after: publicSource(row) });
  return row;
}

export async function createSource(db: Kysely<Database>, actor: Actor, input: SourceInput) {
  assertCan(actor, 'sources.manage');
  const data = sourceInput.parse(input);
  const config = validateSource(data.kind, data.url, withStoredSecrets({}, { url: data.url, config: data.config ?? {} }).config);
  return db.transaction().execute(async (trx) => publicSource(await insertSource(trx, actor, data, config)));
}

/** The stored source with the given fields written (masked secrets keep the stored ones), audited. */
async function changeSource(trx: Transaction<Database>, actor: Actor, before: SourceRow, data: Partial<SourceInput>, pushTokenHash?: string | null) {
  const kind = data.kind ?? before.kind;
  const stored = { url: before.url, config: readJson(sourceConfigJson, before.config, {}) };
  const given = withStoredSecrets(stored, { url: data.url !== undefined ? data.url : before.url, config: data.config ?? stored.config }) as typeof stored;
  const url = given.url;
  const config = validateSource(kind, url, given.config);
  await assertDepartment(trx, data.department_id);
  if (data.name && data.name !== before.name) {
    const dup = await trx.selectFrom('sources').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`source ${data.name} exists`, t('collect.sourceExists', { name: data.name }));
  }
  const interval = data.interval_seconds ?? before.interval_seconds;
  const highFrequency = data.high_frequency ?? before.high_frequency === 1;
  await assertInterval(trx, { kind, url, interval, highFrequency, id: before.id });
  const resumed = data.paused === false && before.paused === 1;
  const after = await trx
    .updateTable('sources')
    .set({
      ...(data.name !== undefined ? { name: data.name } : {}),
      kind,
      url: url ?? null,
      config: toJson(config),
      ...(data.interval_seconds !== undefined ? { interval_seconds: data.interval_seconds } : {}),
      ...(data.high_frequency !== undefined ? { high_frequency: data.high_frequency ? 1 : 0 } : {}),
      // A shorter interval takes effect at once rather than after the check already planned.
      ...(interval < before.interval_seconds ? { next_check_at: null } : {}),
      ...(data.weight !== undefined ? { weight: data.weight } : {}),
      ...(data.department_id !== undefined ? { department_id: data.department_id } : {}),
      ...(data.paused !== undefined ? { paused: data.paused ? 1 : 0, paused_reason: null } : {}),
      ...(data.reference !== undefined ? { reference: data.reference ? 1 : 0 } : {}),
      ...(pushTokenHash !== undefined ? { push_token_hash: pushTokenHash } : {}),
      // Resuming or re-pointing a source clears its failure streak and checks it soon.
      ...(resumed || url !== before.url ? { error_streak: 0, error_since: null, problem: null, next_check_at: null, etag: null, last_modified: null } : {}),
      // Warnings were about the old address or settings (e.g. a forced charset).
      ...(url !== before.url || toJson(config) !== before.config ? { last_warning: null, last_warning_at: null } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, { action: 'source.update', entity: 'source', entityId: before.id, before: publicSource(before), after: publicSource(after) });
  return after;
}

export async function updateSource(db: Kysely<Database>, actor: Actor, id: number, input: Partial<SourceInput>) {
  assertCan(actor, 'sources.manage');
  const data = sourceInput.partial().parse(input);
  return db.transaction().execute(async (trx) => publicSource(await changeSource(trx, actor, await getSourceRow(trx, id), data)));
}

/**
 * The source of this name made to be exactly `input` (absent fields take their defaults), in
 * the caller's transaction: what `workspace apply` does with each item of `sources`. A masked
 * secret keeps the stored one; `push_token_hash` undefined keeps the stored push token.
 */
export async function upsertSourceByName(trx: Transaction<Database>, actor: Actor, input: SourceInput, pushTokenHash?: string | null): Promise<Upserted> {
  assertCan(actor, 'sources.manage');
  const data = sourceInput.parse(input);
  const before = await trx.selectFrom('sources').selectAll().where('name', '=', data.name).executeTakeFirst();
  if (!before) {
    const config = validateSource(data.kind, data.url, withStoredSecrets({}, { url: data.url ?? null, config: data.config ?? {} }).config);
    await insertSource(trx, actor, data, config, pushTokenHash ?? null);
    return 'created';
  }
  const full = { ...data, url: data.url ?? null, config: data.config ?? {}, interval_seconds: data.interval_seconds ?? DEFAULT_INTERVAL_SECONDS, high_frequency: data.high_frequency ?? false, weight: data.weight ?? 1, department_id: data.department_id ?? null, paused: data.paused ?? false, reference: data.reference ?? false };
  const given = withStoredSecrets({ url: before.url, config: readJson(sourceConfigJson, before.config, {}) }, { url: full.url, config: full.config });
  const next = {
    kind: full.kind,
    url: given.url ?? null,
    config: toJson(validateSource(full.kind, given.url as string | null, given.config)),
    interval_seconds: full.interval_seconds,
    high_frequency: full.high_frequency ? 1 : 0,
    weight: full.weight,
    department_id: full.department_id,
    paused: full.paused ? 1 : 0,
    reference: full.reference ? 1 : 0,
    push_token_hash: pushTokenHash === undefined ? before.push_token_hash : pushTokenHash,
  };
  if (sameFields({ ...before, config: toJson(readJson(sourceConfigJson, before.config, {})), weight: Number(before.weight) }, next)) return 'unchanged';
  await changeSource(trx, actor, before, full, next.push_token_hash);
  return 'updated';
}

export async function deleteSource(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'sources.manage');
  await db.transaction().execute(async (trx) => {
    const before = await getSourceRow(trx, id);
    const n = num((await trx.selectFrom('posts').select(trx.fn.countAll().as('n')).where('source_id', '=', id).executeTakeFirst())?.n);
    if (n > 0) throw new ConflictError(`source ${before.name} has ${n} posts`, t('collect.sourceHasPosts', { name: before.name, count: n }));
    const rules = await trx.selectFrom('rule_sources').innerJoin('watch_rules', 'watch_rules.id', 'rule_sources.rule_id').select('watch_rules.name').where('rule_sources.source_id', '=', id).orderBy('watch_rules.name').execute();
    if (rules.length) {
      const names = rules.map((r) => r.name);
      throw new ConflictError(`source ${before.name} is in the scope of watch rule(s) ${names.join(', ')}`, t('collect.sourceInRuleScope', { name: before.name, rules: names.join('、') }));
    }
    await trx.deleteFrom('sources').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'source.delete', entity: 'source', entityId: id, before: publicSource(before) });
  });
}

/** Issues a new push token for a push source; shown once, only its hash is kept. */
export async function issuePushToken(db: Kysely<Database>, actor: Actor, id: number): Promise<{ token: string }> {
  assertCan(actor, 'sources.manage');
  return db.transaction().execute(async (trx) => {
    const source = await getSourceRow(trx, id);
    if (source.kind !== 'push') throw new ValidationError(`source ${source.name} is not a push source`, t('collect.wrongKind', { name: source.name, kind: source.kind, what: '推送' }));
    const token = `msp_${randomBytes(24).toString('base64url')}`;
    await trx.updateTable('sources').set({ push_token_hash: hashToken(token), updated_at: nowIso() }).where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'source.pushToken', entity: 'source', entityId: id, after: { push_token_hash: 'rotated' } });
    return { token };
  });
}

/** Health of every source for the console: last success, last error, streak, paused. */
export async function sourceHealth(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'posts.read');
  const rows = await db.selectFrom('sources').selectAll().where(departmentScope(actor, 'sources.department_id')).orderBy('name').execute();
  const now = new Date();
  const healths = new Map<number, SourceHealth>((await Promise.all(rows.map((r) => readHealth(db, r, now)))).map((h, i) => [rows[i].id, h]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    paused: r.paused === 1,
    paused_reason: r.paused_reason,
    last_success_at: r.last_success_at,
    last_error: r.last_error === null ? null : maskUrl(r.last_error),
    last_error_at: r.last_error_at,
    last_warning: r.last_warning,
    last_warning_at: r.last_warning_at,
    error_streak: r.error_streak,
    error_since: r.error_since,
    next_check_at: r.next_check_at,
    status: r.paused ? 'paused' : r.error_streak > 0 ? 'failing' : r.last_success_at ? 'ok' : 'new',
    problem: r.problem,
    health: healths.get(r.id)!,
  }));
}

export const sourceHealthSchema = shapeOf<Awaited<ReturnType<typeof sourceHealth>>[number]>()({
  id: z.number(),
  name: z.string(),
  kind: z.enum(SOURCE_KINDS),
  paused: z.boolean(),
  paused_reason: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  last_warning: z.string().nullable(),
  last_warning_at: z.string().nullable(),
  error_streak: z.number(),
  error_since: z.string().nullable(),
  next_check_at: z.string().nullable(),
  status: z.string().describe('paused | failing | ok | new'),
  problem: z.enum(SOURCE_PROBLEMS).nullable(),
  health: sourceHealthInfoSchema,
});
