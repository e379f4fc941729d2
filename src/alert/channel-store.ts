import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import type { ChannelTable, Database } from '../db/schema.ts';
import { sameFields, type Upserted } from '../db/upsert.ts';
import { jsonColumn, nowIso, num, readJson, toJson } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, RISK_LEVELS } from '../levels.ts';
import { outboundPolicyOf } from '../outbound/policy.ts';
import type { ChannelMessage, ChannelProvider, SendResult } from './channels/base.ts';
import { CHANNEL_KINDS, providerOf } from './channels/index.ts';
import { wakeDeliveryAfterCommit } from './outbox.ts';
import { CHANNEL_AUDIENCES, CHANNEL_KIND_NAMES, isChannelKindName, type ChannelKindName } from './vocabulary.ts';
import { quietHoursJson, quietHoursSchema } from './quiet.ts';
import { maskUrl } from '../auth/secrets.ts';
import { isEnvRef, maskSecrets, mergeSecrets, MissingEnvError, resolveEnvRefs } from './secrets.ts';
import { loadAlertSettings } from './settings.ts';
import { shapeOf } from '../shapes.ts';
import { issueText } from '../i18n/issues.ts';

export type ChannelRow = Selectable<ChannelTable>;

/** `channels.config`: the kind's settings (checked against the kind's schema when used), `${ENV}` references unresolved. */
export const channelConfigJson = jsonColumn('channels.config', z.record(z.string(), z.unknown()));

export const channelInput = z
  .object({
    name: z.string().min(1).max(100),
    kind: z.string().min(1),
    config: z.record(z.string(), z.unknown()).default({}),
    department_id: z.number().int().positive().nullable().optional(),
    min_level: z.enum(RISK_LEVELS).default('blue'),
    /** Only alerts of these watch rules (system notices still come); empty: every alert. */
    rule_ids: z.array(z.number().int().positive()).optional(),
    /** The same by the rules' names (stored by id, so renaming a rule changes nothing); used when rule_ids is absent. */
    rule_names: z.array(z.string().min(1)).optional(),
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
  return parsed.success ? [] : parsed.error.issues.map((i) => issueText(i));
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

export type ChannelRule = { id: number; name: string };

/** The watch rules each channel is limited to, by channel id (every channel, or the given ones). */
export async function channelRules(db: Kysely<Database> | Transaction<Database>, channelIds?: readonly number[]): Promise<Map<number, ChannelRule[]>> {
  if (channelIds && !channelIds.length) return new Map();
  const rows = await db
    .selectFrom('channel_rules')
    .innerJoin('watch_rules', 'watch_rules.id', 'channel_rules.rule_id')
    .select(['channel_rules.channel_id', 'watch_rules.id', 'watch_rules.name'])
    .$if(!!channelIds, (q) => q.where('channel_rules.channel_id', 'in', channelIds!))
    .orderBy('watch_rules.name')
    .execute();
  const out = new Map<number, ChannelRule[]>();
  for (const r of rows) out.set(r.channel_id, [...(out.get(r.channel_id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

async function rulesOf(db: Kysely<Database> | Transaction<Database>, channelId: number): Promise<ChannelRule[]> {
  return (await channelRules(db, [channelId])).get(channelId) ?? [];
}

/** A channel as the API shows it: JSON parsed, secrets masked, its watch rules by id and by name. */
export function publicChannel(row: ChannelRow, pending = 0, rules: readonly ChannelRule[] = []) {
  const provider = providerOf(row.kind);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: maskSecrets(provider, readJson(channelConfigJson, row.config, {})),
    department_id: row.department_id,
    min_level: row.min_level,
    rule_ids: rules.map((r) => r.id),
    rule_names: rules.map((r) => r.name),
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

/** A channel as the API shows it (`publicChannel`). */
export const publicChannelSchema = shapeOf<ReturnType<typeof publicChannel>>()({
  id: z.number(),
  name: z.string(),
  kind: z.enum(CHANNEL_KIND_NAMES),
  config: z.record(z.string(), z.unknown()).describe('secrets masked'),
  department_id: z.number().nullable(),
  min_level: z.enum(RISK_LEVELS),
  rule_ids: z.array(z.number()).describe('the watch rules the channel is limited to (none: every rule)'),
  rule_names: z.array(z.string()).describe('the same rules by name'),
  quiet_hours: z.object({ start: z.string(), end: z.string(), timezone: z.string() }).nullable(),
  audience: z.enum(CHANNEL_AUDIENCES),
  enabled: z.boolean(),
  failure_streak: z.number(),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  retry_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_failure_at: z.string().nullable(),
  last_error: z.string().nullable(),
  pending: z.number().describe('alerts waiting on this channel'),
  created_at: z.string(),
  updated_at: z.string(),
});

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
  const rules = await channelRules(db);
  return rows.map((r) => publicChannel(r, counts.get(r.id) ?? 0, rules.get(r.id)));
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
  return publicChannel(row, (await pendingCounts(db)).get(id) ?? 0, await rulesOf(db, id));
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
    quiet_hours: data.quiet_hours ? toJson(data.quiet_hours) : null,
    audience: data.audience,
    enabled: data.enabled ? 1 : 0,
  };
}

/** The ids of the channel's watch rules, given by id or by name; an unknown one is refused. */
async function ruleIdsOf(db: Kysely<Database> | Transaction<Database>, data: Pick<z.output<typeof channelInput>, 'rule_ids' | 'rule_names'>): Promise<number[]> {
  const byId = data.rule_ids !== undefined;
  const wanted: (number | string)[] = byId ? data.rule_ids! : (data.rule_names ?? []);
  if (!wanted.length) return [];
  const rows = byId
    ? await db.selectFrom('watch_rules').select(['id', 'name']).where('id', 'in', data.rule_ids!).execute()
    : await db.selectFrom('watch_rules').select(['id', 'name']).where('name', 'in', data.rule_names!).execute();
  const found = new Map<number | string, number>(rows.map((r) => [byId ? r.id : r.name, r.id]));
  const missing = wanted.filter((w) => !found.has(w));
  if (missing.length) throw new ValidationError(`unknown watch rule(s): ${missing.join(', ')}`, t('alert.error.unknownRule', { name: missing.join('、') }));
  return [...new Set(wanted.map((w) => found.get(w)!))];
}

const sameIds = (a: readonly number[], b: readonly number[]) => JSON.stringify([...a].sort((x, y) => x - y)) === JSON.stringify([...b].sort((x, y) => x - y));

/**
 * The one writer of a channel: checks it, inserts it (`before` null) or updates it, sets its
 * watch rules and records the audit entry, in the caller's transaction. With `skipUnchanged`
 * a channel already as given is left alone (`unchanged`, no audit entry).
 */
async function writeChannel(trx: Transaction<Database>, actor: Actor, before: ChannelRow | null, data: z.output<typeof channelInput>, skipUnchanged: boolean) {
  const problems = checkChannelConfig(data.kind, data.config);
  if (problems.length) validationFailed(problems);
  await checkDepartment(trx, data.department_id);
  if (data.name !== before?.name) {
    const dup = await trx.selectFrom('channels').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`channel ${data.name} exists`, t('alert.error.nameTaken', { name: data.name }));
  }
  const ruleIds = await ruleIdsOf(trx, data);
  const columns = channelColumns(data);
  const setRules = async (id: number) => {
    await trx.deleteFrom('channel_rules').where('channel_id', '=', id).execute();
    if (ruleIds.length) await trx.insertInto('channel_rules').values(ruleIds.map((rule_id) => ({ channel_id: id, rule_id }))).execute();
    return rulesOf(trx, id);
  };
  if (!before) {
    const now = nowIso();
    const row = await trx
      .insertInto('channels')
      .values({ ...columns, failure_streak: 0, disabled_reason: null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const channel = publicChannel(row, 0, await setRules(row.id));
    await recordAudit(trx, actor, { action: 'channel.create', entity: 'channel', entityId: row.id, after: channel });
    return { channel, outcome: 'created' as Upserted };
  }
  const rulesBefore = await rulesOf(trx, before.id);
  const current = publicChannel(before, 0, rulesBefore);
  const rulesChanged = !sameIds(ruleIds, rulesBefore.map((r) => r.id));
  if (skipUnchanged && !rulesChanged && sameFields(before, columns)) return { channel: current, outcome: 'unchanged' as Upserted };
  const reenable = data.enabled && before.enabled === 0;
  const after = await trx
    .updateTable('channels')
    .set({
      ...columns,
      updated_at: nowIso(),
      ...(reenable ? { failure_streak: 0, retry_at: null, disabled_reason: null, disabled_at: null } : {}),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const channel = publicChannel(after, 0, rulesChanged ? await setRules(before.id) : rulesBefore);
  await recordAudit(trx, actor, { action: 'channel.update', entity: 'channel', entityId: before.id, before: current, after: channel });
  // An enabled channel's held alerts go out now that its settings changed.
  if (after.enabled) await wakeDeliveryAfterCommit(trx);
  return { channel, outcome: 'updated' as Upserted };
}

export async function createChannel(db: Kysely<Database>, actor: Actor, input: ChannelInput) {
  assertCan(actor, 'channels.manage');
  const data = channelInput.parse(input);
  return db.transaction().execute(async (trx) => (await writeChannel(trx, actor, null, data, false)).channel);
}

export async function updateChannel(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<ChannelInput>) {
  assertCan(actor, 'channels.manage');
  return db.transaction().execute(async (trx) => {
    const before = await getChannelRow(trx, id);
    const current = publicChannel(before, 0, await rulesOf(trx, id));
    const storedConfig = readJson(channelConfigJson, before.config, {});
    const kind = patch.kind ?? before.kind;
    const config = patch.config ? mergeSecrets(providerOf(kind), storedConfig, patch.config) : storedConfig;
    const data = channelInput.parse({
      name: patch.name ?? current.name,
      kind,
      config,
      department_id: patch.department_id !== undefined ? patch.department_id : current.department_id,
      min_level: patch.min_level ?? current.min_level,
      ...(patch.rule_ids !== undefined ? { rule_ids: patch.rule_ids } : patch.rule_names !== undefined ? { rule_names: patch.rule_names } : { rule_ids: current.rule_ids }),
      quiet_hours: patch.quiet_hours !== undefined ? patch.quiet_hours : current.quiet_hours,
      audience: patch.audience ?? current.audience,
      enabled: patch.enabled ?? current.enabled,
    });
    return (await writeChannel(trx, actor, before, data, false)).channel;
  });
}

/**
 * The channel of this name made to be exactly `input` (absent fields take their defaults), in
 * the caller's transaction: what `workspace apply` does with each item of `channels`. A masked
 * secret keeps the stored one; a channel switched off by its failures stays off unless
 * `enabled` is given.
 */
export async function upsertChannelByName(trx: Transaction<Database>, actor: Actor, input: ChannelInput): Promise<Upserted> {
  assertCan(actor, 'channels.manage');
  const before = (await trx.selectFrom('channels').selectAll().where('name', '=', input.name).executeTakeFirst()) ?? null;
  const config = mergeSecrets(providerOf(input.kind), readJson(channelConfigJson, before?.config, {}), input.config ?? {});
  const data = channelInput.parse({
    ...input,
    config,
    rule_names: input.rule_ids === undefined ? (input.rule_names ?? []) : undefined,
    enabled: input.enabled ?? !(before && before.enabled === 0 && before.disabled_at),
  });
  return (await writeChannel(trx, actor, before, data, true)).outcome;
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
    const rules = await rulesOf(trx, id);
    await trx.deleteFrom('channels').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'channel.delete', entity: 'channel', entityId: id, before: publicChannel(row, 0, rules) });
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
