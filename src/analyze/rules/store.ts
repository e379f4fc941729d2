import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, assertSeesDepartment, departmentScope } from '../../auth/policy.ts';
import type { Database, WatchRuleTable } from '../../db/schema.ts';
import { sameFields, type Upserted } from '../../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { RISK_LEVELS, type RiskLevel } from '../../levels.ts';
import { ruleSources } from './compiled.ts';
import { parseExpression, termsOf } from './parser.ts';
import { shapeOf } from '../../shapes.ts';

/** A watch rule (监测规则) as people edit it: an expression plus scope, department and minimum level. */
export const watchRuleInput = z.object({
  name: z.string().trim().min(1).max(100),
  expression: z.string().min(1).max(2000),
  /** Source names the rule is limited to; empty or absent means every source. */
  sources: z.array(z.string().min(1).max(200)).max(200).optional(),
  /** Department code that handles what this rule finds. */
  department: z.string().min(1).max(64).nullable().optional(),
  min_level: z.enum(RISK_LEVELS).optional(),
  enabled: z.boolean().optional(),
});
export type WatchRuleInput = z.infer<typeof watchRuleInput>;

export interface WatchRuleView {
  id: number;
  name: string;
  expression: string;
  /** Names of the sources the rule is limited to (stored by id: a renamed source stays in scope). */
  sources: string[];
  source_ids: number[];
  department: string | null;
  department_id: number | null;
  min_level: RiskLevel;
  enabled: boolean;
  /** The terms the rule looks for (negated ones are excluded terms). */
  terms: { value: string; negated: boolean }[];
  created_at: string;
  updated_at: string;
}

/** A watch rule as the API sends it. */
export const watchRuleViewSchema = shapeOf<WatchRuleView>()({
  id: z.number(),
  name: z.string(),
  expression: z.string(),
  sources: z.array(z.string()).describe('names of the sources the rule is limited to (none: every source)'),
  source_ids: z.array(z.number()).describe('the same sources by id (a renamed source stays in scope)'),
  department: z.string().nullable().describe('department code'),
  department_id: z.number().nullable(),
  min_level: z.enum(RISK_LEVELS),
  enabled: z.boolean(),
  terms: z.array(z.object({ value: z.string(), negated: z.boolean() })).describe('the terms the rule looks for (negated ones are excluded terms)'),
  created_at: z.string(),
  updated_at: z.string(),
});

type Row = Selectable<WatchRuleTable> & { department_code: string | null };
type Scope = { id: number; name: string }[];

function view(r: Row, scope: Scope): WatchRuleView {
  let terms: WatchRuleView['terms'] = [];
  try {
    terms = termsOf(parseExpression(r.expression));
  } catch {
    /* a stored expression that no longer parses shows without terms */
  }
  return {
    id: r.id,
    name: r.name,
    expression: r.expression,
    sources: scope.map((s) => s.name),
    source_ids: scope.map((s) => s.id),
    department: r.department_code,
    department_id: r.department_id,
    min_level: r.min_level,
    enabled: r.enabled === 1,
    terms,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The row as the audit trail keeps it: with its scope by name. */
function audited(r: Selectable<WatchRuleTable>, scope: Scope) {
  return { ...r, sources: scope.map((s) => s.name) };
}

function baseQuery(db: Kysely<Database>) {
  return db.selectFrom('watch_rules').leftJoin('departments', 'departments.id', 'watch_rules.department_id').selectAll('watch_rules').select('departments.code as department_code');
}

async function scopeOf(db: Kysely<Database>, id: number): Promise<Scope> {
  return (await ruleSources(db, [id])).get(id) ?? [];
}

export async function listWatchRules(db: Kysely<Database>, actor: Actor): Promise<WatchRuleView[]> {
  assertCan(actor, 'posts.read');
  const rows = await baseQuery(db).where(departmentScope(actor, 'watch_rules.department_id')).orderBy('watch_rules.name').execute();
  const scopes = await ruleSources(db);
  return rows.map((r) => view(r, scopes.get(r.id) ?? []));
}

export async function getWatchRule(db: Kysely<Database>, actor: Actor, id: number): Promise<WatchRuleView> {
  assertCan(actor, 'posts.read');
  const row = await baseQuery(db).where('watch_rules.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`watch rule ${id}`);
  assertSeesDepartment(actor, row.department_id, await officeDepartmentIds(db));
  return view(row, await scopeOf(db, id));
}

async function departmentId(db: Kysely<Database>, code: string | null | undefined): Promise<number | null> {
  if (!code) return null;
  const row = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
  if (!row) throw new ValidationError(`department ${code} does not exist`, t('rules.unknownDepartment', { code }));
  return row.id;
}

/** The ids of the named sources, in the order given; an unknown name is refused. */
async function sourceIds(db: Kysely<Database>, names: readonly string[]): Promise<number[]> {
  if (!names.length) return [];
  const rows = await db.selectFrom('sources').select(['id', 'name']).where('name', 'in', [...names]).execute();
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new ValidationError(`unknown source(s): ${missing.join(', ')}`, t('rules.unknownSources', { names: missing.join('、') }));
  return [...new Set(names.map((n) => byName.get(n)!))];
}

async function setScope(trx: Transaction<Database>, ruleId: number, ids: readonly number[]): Promise<void> {
  await trx.deleteFrom('rule_sources').where('rule_id', '=', ruleId).execute();
  if (ids.length) await trx.insertInto('rule_sources').values(ids.map((source_id) => ({ rule_id: ruleId, source_id }))).execute();
}

const sameIds = (a: readonly number[], b: readonly number[]) => JSON.stringify([...a].sort((x, y) => x - y)) === JSON.stringify([...b].sort((x, y) => x - y));

async function insertRule(trx: Transaction<Database>, actor: Actor, data: WatchRuleInput) {
  const ids = await sourceIds(trx, data.sources ?? []);
  const now = nowIso();
  const row = await trx
    .insertInto('watch_rules')
    .values({
      name: data.name,
      expression: data.expression,
      department_id: await departmentId(trx, data.department),
      min_level: data.min_level ?? 'blue',
      enabled: data.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setScope(trx, row.id, ids);
  const scope = await scopeOf(trx, row.id);
  await recordAudit(trx, actor, { action: 'watch_rule.create', entity: 'watch_rule', entityId: row.id, after: audited(row, scope) });
  return view({ ...row, department_code: data.department ?? null }, scope);
}

export async function createWatchRule(db: Kysely<Database>, actor: Actor, input: WatchRuleInput): Promise<WatchRuleView> {
  assertCan(actor, 'rules.manage');
  const data = watchRuleInput.parse(input);
  parseExpression(data.expression);
  return db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('watch_rules').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`watch rule ${data.name} exists`, t('rules.duplicateName', { name: data.name }));
    return insertRule(trx, actor, data);
  });
}

/** Writes the given fields of a stored rule; `null` when they change nothing (no audit entry). */
async function changeRule(trx: Transaction<Database>, actor: Actor, before: Selectable<WatchRuleTable>, data: Partial<WatchRuleInput>): Promise<WatchRuleView | null> {
  if (data.name !== undefined && data.name !== before.name) {
    const dup = await trx.selectFrom('watch_rules').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`watch rule ${data.name} exists`, t('rules.duplicateName', { name: data.name }));
  }
  const set: Partial<Selectable<WatchRuleTable>> = {};
  if (data.name !== undefined) set.name = data.name;
  if (data.expression !== undefined) set.expression = data.expression;
  if (data.department !== undefined) set.department_id = await departmentId(trx, data.department);
  if (data.min_level !== undefined) set.min_level = data.min_level;
  if (data.enabled !== undefined) set.enabled = data.enabled ? 1 : 0;
  const scopeBefore = await scopeOf(trx, before.id);
  const ids = data.sources !== undefined ? await sourceIds(trx, data.sources) : null;
  const scopeChanged = ids !== null && !sameIds(ids, scopeBefore.map((s) => s.id));
  if (!scopeChanged && sameFields(before, set)) return null;
  const after = await trx.updateTable('watch_rules').set({ ...set, updated_at: nowIso() }).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
  if (scopeChanged) await setScope(trx, before.id, ids);
  const scope = await scopeOf(trx, before.id);
  await recordAudit(trx, actor, { action: 'watch_rule.update', entity: 'watch_rule', entityId: before.id, before: audited(before, scopeBefore), after: audited(after, scope) });
  const dep = after.department_id === null ? null : await trx.selectFrom('departments').select('code').where('id', '=', after.department_id).executeTakeFirst();
  return view({ ...after, department_code: dep?.code ?? null }, scope);
}

export async function updateWatchRule(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<WatchRuleInput>): Promise<WatchRuleView> {
  assertCan(actor, 'rules.manage');
  const data = watchRuleInput.partial().parse(patch);
  if (data.expression !== undefined) parseExpression(data.expression);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch rule ${id}`);
    return (await changeRule(trx, actor, before, data)) ?? getWatchRule(trx, actor, id);
  });
}

/**
 * The rule of this name made to be exactly `input` (absent fields take their defaults), inside
 * the caller's transaction: what `workspace apply` does with each item of `watch_rules`.
 */
export async function upsertWatchRuleByName(trx: Transaction<Database>, actor: Actor, input: WatchRuleInput): Promise<Upserted> {
  assertCan(actor, 'rules.manage');
  const data = watchRuleInput.parse(input);
  parseExpression(data.expression);
  const before = await trx.selectFrom('watch_rules').selectAll().where('name', '=', data.name).executeTakeFirst();
  if (!before) {
    await insertRule(trx, actor, data);
    return 'created';
  }
  const full = { expression: data.expression, sources: data.sources ?? [], department: data.department ?? null, min_level: data.min_level ?? 'blue', enabled: data.enabled ?? true };
  return (await changeRule(trx, actor, before, full)) ? 'updated' : 'unchanged';
}

/** Deletes a rule; one that alerts already refer to is kept for the record (disable it instead). */
export async function deleteWatchRule(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'rules.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch rule ${id}`);
    const used = await trx.selectFrom('alerts').select('id').where('rule_id', '=', id).limit(1).executeTakeFirst();
    if (used) throw new ConflictError(`watch rule ${id} has alerts`, t('rules.hasAlerts', { name: before.name }));
    const channels = await trx.selectFrom('channel_rules').innerJoin('channels', 'channels.id', 'channel_rules.channel_id').select('channels.name').where('channel_rules.rule_id', '=', id).orderBy('channels.name').execute();
    if (channels.length) {
      const names = channels.map((c) => c.name);
      throw new ConflictError(`watch rule ${id} is used by channel(s) ${names.join(', ')}`, t('rules.usedByChannels', { name: before.name, channels: names.join('、') }));
    }
    const scope = await scopeOf(trx, id);
    await trx.deleteFrom('watch_rules').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'watch_rule.delete', entity: 'watch_rule', entityId: id, before: audited(before, scope) });
  });
}
