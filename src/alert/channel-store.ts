import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import type { ChannelTable, Database } from '../db/schema.ts';
import { jsonColumn, nowIso, num, readJson, toJson } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, RISK_LEVELS } from '../levels.ts';
import { outboundPolicyOf } from '../outbound/policy.ts';
import type { ChannelMessage, ChannelProvider, SendResult } from './channels/base.ts';
import { CHANNEL_KINDS, providerOf } from './channels/index.ts';
import { CHANNEL_AUDIENCES, isChannelKindName, type ChannelKindName } from './vocabulary.ts';
import { quietHoursJson, quietHoursSchema } from './quiet.ts';
import { maskUrl } from '../auth/secrets.ts';
import { isEnvRef, maskSecrets, mergeSecrets, MissingEnvError, resolveEnvRefs } from './secrets.ts';
import { loadAlertSettings } from './settings.ts';

export type ChannelRow = Selectable<ChannelTable>;

/** `channels.config`: the kind's settings (checked against the kind's schema when used), `${ENV}` references unresolved. */
export const channelConfigJson = jsonColumn('channels.config', z.record(z.string(), z.unknown()));
/** `channels.rule_names`: the watch rules a channel is limited to (none: all). */
export const channelRuleNamesJson = jsonColumn('channels.rule_names', z.array(z.string()));

export const channelInput = z
  .object({
    name: z.string().min(1).max(100),
    kind: z.string().min(1),
    config: z.record(z.string(), z.unknown()).default({}),
    department_id: z.number().int().positive().nullable().optional(),
    min_level: z.enum(RISK_LEVELS).default('blue'),
    rule_names: z.array(z.string().min(1)).default([]),
    quiet_hours: quietHoursSchema.nullable().optional(),
    audience: z.enum(CHANNEL_AUDIENCES).default('department'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ChannelInput = z.input<typeof channelInput>;

/**
 * Checks a channel's config against its kind. `${ENV}` references that the environment of
 * this process does not define yet are accepted where the field is a string (they are
 * resolved at send time).
 */
export function checkChannelConfig(kind: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): string[] {
  const provider = providerOf(kind);
  if (!provider) return [t('alert.error.unknownKind', { kind, kinds: CHANNEL_KINDS.join(', ') })];
  const probe: Record<string, unknown> = {};
  const deferred: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (isEnvRef(v) && env[(v as string).slice(2, -1)] === undefined) deferred.push(k);
    else probe[k] = v;
  }
  let schema = provider.config as z.ZodTypeAny;
  if (deferred.length && schema instanceof z.ZodObject) schema = schema.partial(Object.fromEntries(deferred.map((k) => [k, true])) as any);
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveEnvRefs(probe, env);
  } catch (err) {
    return [(err as Error).message];
  }
  const parsed = schema.safeParse(resolved);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
}

export type Resolved = { ok: true; provider: ChannelProvider; config: unknown } | { ok: false; error: string };

/** The channel's provider and its config with env references resolved, ready to send. */
export function resolveChannelConfig(channel: Pick<ChannelRow, 'kind' | 'config'>, env: NodeJS.ProcessEnv): Resolved {
  const provider = providerOf(channel.kind);
  if (!provider) return { ok: false, error: `unknown channel kind ${channel.kind}` };
  let raw: unknown;
  try {
    raw = resolveEnvRefs(readJson(channelConfigJson, channel.config, {}), env);
  } catch (err) {
    return { ok: false, error: err instanceof MissingEnvError ? err.message : String(err) };
  }
  const parsed = provider.config.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, provider, config: parsed.data };
}

/** A channel as the API shows it: JSON parsed, secrets masked. */
export function publicChannel(row: ChannelRow, pending = 0) {
  const provider = providerOf(row.kind);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: maskSecrets(provider, readJson(channelConfigJson, row.config, {})),
    department_id: row.department_id,
    min_level: row.min_level,
    rule_names: readJson(channelRuleNamesJson, row.rule_names, []),
    quiet_hours: readJson(quietHoursJson, row.quiet_hours, null),
    audience: row.audience,
    enabled: row.enabled === 1,
    failure_streak: row.failure_streak,
    disabled_reason: row.disabled_reason === null ? null : maskUrl(row.disabled_reason),
    disabled_at: row.disabled_at,
    retry_at: row.retry_at,
    last_success_at: row.last_success_at,
    last_failure_at: row.last_failure_at,
    last_error: row.last_error === null ? null : maskUrl(row.last_error),
    pending,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

async function pendingCounts(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('alerts')
    .select(['channel_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', 'in', ['pending', 'sending'])
    .groupBy('channel_id')
    .execute();
  return new Map(rows.map((r) => [r.channel_id, num(r.n)]));
}

export async function listChannels(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'channels.manage');
  const counts = await pendingCounts(db);
  const rows = await db.selectFrom('channels').selectAll().orderBy('name').execute();
  return rows.map((r) => publicChannel(r, counts.get(r.id) ?? 0));
}

export async function getChannelRow(db: Kysely<Database> | Transaction<Database>, idOrName: number | string): Promise<ChannelRow> {
  const q = db.selectFrom('channels').selectAll();
  const row = await (typeof idOrName === 'number' ? q.where('id', '=', idOrName) : q.where('name', '=', idOrName)).executeTakeFirst();
  if (!row) throw new NotFoundError(`channel ${idOrName}`);
  return row;
}

export async function getChannel(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'channels.manage');
  const row = await getChannelRow(db, id);
  return publicChannel(row, (await pendingCounts(db)).get(id) ?? 0);
}

function validationFailed(problems: string[]): never {
  throw new ValidationError(`channel config: ${problems.join('; ')}`, t('alert.error.badConfig', { detail: problems.join('；') }));
}

async function checkDepartment(db: Kysely<Database> | Transaction<Database>, id: number | null | undefined) {
  if (id === null || id === undefined) return;
  const d = await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst();
  if (!d) throw new ValidationError(`department ${id} does not exist`, t('alert.error.unknownDepartment', { code: String(id) }));
}

/** A channel kind named in input, or the "unknown kind" error (checkChannelConfig reports it first). */
function channelKind(kind: string): ChannelKindName {
  if (isChannelKindName(kind)) return kind;
  throw new ValidationError(`unknown channel kind ${kind}`, t('alert.error.unknownKind', { kind, kinds: CHANNEL_KINDS.join(', ') }));
}

/** The columns written for a channel (shared by the API and the workspace section). */
export function channelColumns(data: z.output<typeof channelInput>) {
  return {
    name: data.name,
    kind: channelKind(data.kind),
    config: toJson(data.config),
    department_id: data.department_id ?? null,
    min_level: data.min_level,
    rule_names: toJson(data.rule_names),
    quiet_hours: data.quiet_hours ? toJson(data.quiet_hours) : null,
    audience: data.audience,
    enabled: data.enabled ? 1 : 0,
  };
}

export async function createChannel(db: Kysely<Database>, actor: Actor, input: ChannelInput) {
  assertCan(actor, 'channels.manage');
  const data = channelInput.parse(input);
  const problems = checkChannelConfig(data.kind, data.config);
  if (problems.length) validationFailed(problems);
  return db.transaction().execute(async (trx) => {
    await checkDepartment(trx, data.department_id);
    const dup = await trx.selectFrom('channels').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`channel ${data.name} exists`, t('alert.error.nameTaken', { name: data.name }));
    const now = nowIso();
    const row = await trx
      .insertInto('channels')
      .values({ ...channelColumns(data), failure_streak: 0, disabled_reason: null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'channel.create', entity: 'channel', entityId: row.id, after: publicChannel(row) });
    return publicChannel(row);
  });
}

export async function updateChannel(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<ChannelInput>) {
  assertCan(actor, 'channels.manage');
  return db.transaction().execute(async (trx) => {
    const before = await getChannelRow(trx, id);
    const current = publicChannel(before);
    const storedConfig = readJson(channelConfigJson, before.config, {});
    const kind = patch.kind ?? before.kind;
    const config = patch.config ? mergeSecrets(providerOf(kind), storedConfig, patch.config) : storedConfig;
    const data = channelInput.parse({
      name: patch.name ?? current.name,
      kind,
      config,
      department_id: patch.department_id !== undefined ? patch.department_id : current.department_id,
      min_level: patch.min_level ?? current.min_level,
      rule_names: patch.rule_names ?? current.rule_names,
      quiet_hours: patch.quiet_hours !== undefined ? patch.quiet_hours : current.quiet_hours,
      audience: patch.audience ?? current.audience,
      enabled: patch.enabled ?? current.enabled,
    });
    const problems = checkChannelConfig(data.kind, data.config);
    if (problems.length) validationFailed(problems);
    await checkDepartment(trx, data.department_id);
    if (data.name !== before.name) {
      const dup = await trx.selectFrom('channels').select('id').where('name', '=', data.name).executeTakeFirst();
      if (dup) throw new ConflictError(`channel ${data.name} exists`, t('alert.error.nameTaken', { name: data.name }));
    }
    const reenable = data.enabled && before.enabled === 0;
    const after = await trx
      .updateTable('channels')
      .set({
        ...channelColumns(data),
        updated_at: nowIso(),
        ...(reenable ? { failure_streak: 0, retry_at: null, disabled_reason: null, disabled_at: null } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'channel.update', entity: 'channel', entityId: id, before: current, after: publicChannel(after) });
    return publicChannel(after);
  });
}

/** Switches a channel back on after it was disabled: clears the streak; held alerts go out. */
export async function setChannelEnabled(db: Kysely<Database>, actor: Actor, id: number, enabled: boolean) {
  return updateChannel(db, actor, id, { enabled });
}

export async function deleteChannel(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'channels.manage');
  await db.transaction().execute(async (trx) => {
    const row = await getChannelRow(trx, id);
    const used = await trx.selectFrom('alerts').select((eb) => eb.fn.countAll<string | number>().as('n')).where('channel_id', '=', id).executeTakeFirstOrThrow();
    if (num(used.n) > 0) {
      throw new ConflictError(`channel ${row.name} has ${num(used.n)} alerts`, t('alert.error.hasAlerts', { name: row.name, count: num(used.n) }));
    }
    await trx.deleteFrom('channels').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'channel.delete', entity: 'channel', entityId: id, before: publicChannel(row) });
  });
}

export function testMessage(channel: ChannelRow): ChannelMessage {
  return {
    kind: 'test',
    level: 'blue',
    levelLabel: RISK_LEVEL_LABELS.blue,
    title: t('alert.test.title'),
    body: t('alert.test.body', { name: channel.name }),
    links: [],
    idempotencyKey: `test|ch${channel.id}|${Date.now()}`,
    alertIds: [],
    channelId: channel.id,
    departmentId: channel.department_id,
    createdAt: nowIso(),
  };
}

/** Sends a test message through a channel and returns the service's answer (nothing is queued). */
export async function sendTest(ctx: AppContext, actor: Actor, idOrName: number | string): Promise<SendResult & { channel: string; kind: string }> {
  assertCan(actor, 'channels.manage');
  const row = await getChannelRow(ctx.db.kysely, idOrName);
  const resolved = resolveChannelConfig(row, process.env);
  const settings = await loadAlertSettings(ctx.db.kysely);
  const result: SendResult = resolved.ok
    ? await resolved.provider.send(resolved.config, testMessage(row), { timeoutMs: settings.timeoutSeconds * 1000, outbound: outboundPolicyOf(ctx), env: process.env, bus: ctx.bus })
    : { ok: false, status: null, snippet: '', failure: 'config', error: resolved.error };
  await recordAudit(ctx.db.kysely, actor, { action: 'channel.test', entity: 'channel', entityId: row.id, after: { ok: result.ok, failure: result.failure ?? null, status: result.status } });
  return { ...result, channel: row.name, kind: row.kind };
}
