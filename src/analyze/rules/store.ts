import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, assertSeesDepartment, departmentScope } from '../../auth/policy.ts';
import type { Database, WatchRuleTable } from '../../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { RISK_LEVELS } from '../../levels.ts';
import { parseExpression, termsOf } from './parser.ts';

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
  sources: string[];
  department: string | null;
  department_id: number | null;
  min_level: string;
  enabled: boolean;
  /** The terms the rule looks for (negated ones are excluded terms). */
  terms: { value: string; negated: boolean }[];
  created_at: string;
  updated_at: string;
}

/** `watch_rules.scope_sources`: the sources a rule is limited to (none: all). */
export const scopeSourcesJson = jsonColumn('watch_rules.scope_sources', z.array(z.string()));

type Row = Selectable<WatchRuleTable> & { department_code: string | null };

function view(r: Row): WatchRuleView {
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
    sources: readJson(scopeSourcesJson, r.scope_sources, []),
    department: r.department_code,
    department_id: r.department_id,
    min_level: r.min_level,
    enabled: r.enabled === 1,
    terms,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function baseQuery(db: Kysely<Database>) {
  return db.selectFrom('watch_rules').leftJoin('departments', 'departments.id', 'watch_rules.department_id').selectAll('watch_rules').select('departments.code as department_code');
}

export async function listWatchRules(db: Kysely<Database>, actor: Actor): Promise<WatchRuleView[]> {
  assertCan(actor, 'posts.read');
  const rows = await baseQuery(db).where(departmentScope(actor, 'watch_rules.department_id')).orderBy('watch_rules.name').execute();
  return rows.map(view);
}

export async function getWatchRule(db: Kysely<Database>, actor: Actor, id: number): Promise<WatchRuleView> {
  assertCan(actor, 'posts.read');
  const row = await baseQuery(db).where('watch_rules.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`watch rule ${id}`);
  assertSeesDepartment(actor, row.department_id, await officeDepartmentIds(db));
  return view(row);
}

async function departmentId(db: Kysely<Database>, code: string | null | undefined): Promise<number | null> {
  if (!code) return null;
  const row = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
  if (!row) throw new ValidationError(`department ${code} does not exist`, t('rules.unknownDepartment', { code }));
  return row.id;
}

async function checkSources(db: Kysely<Database>, names: string[]): Promise<void> {
  if (!names.length) return;
  const rows = await db.selectFrom('sources').select('name').where('name', 'in', names).execute();
  const known = new Set(rows.map((r) => r.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length) throw new ValidationError(`unknown source(s): ${missing.join(', ')}`, t('rules.unknownSources', { names: missing.join('、') }));
}

export async function createWatchRule(db: Kysely<Database>, actor: Actor, input: WatchRuleInput): Promise<WatchRuleView> {
  assertCan(actor, 'rules.manage');
  const data = watchRuleInput.parse(input);
  parseExpression(data.expression);
  return db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('watch_rules').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`watch rule ${data.name} exists`, t('rules.duplicateName', { name: data.name }));
    await checkSources(trx, data.sources ?? []);
    const now = nowIso();
    const row = await trx
      .insertInto('watch_rules')
      .values({
        name: data.name,
        expression: data.expression,
        scope_sources: toJson(data.sources ?? []),
        department_id: await departmentId(trx, data.department),
        min_level: data.min_level ?? 'blue',
        enabled: data.enabled === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'watch_rule.create', entity: 'watch_rule', entityId: row.id, after: row });
    return view({ ...row, department_code: data.department ?? null });
  });
}

export async function updateWatchRule(db: Kysely<Database>, actor: Actor, id: number, patch: Partial<WatchRuleInput>): Promise<WatchRuleView> {
  assertCan(actor, 'rules.manage');
  const data = watchRuleInput.partial().parse(patch);
  if (data.expression !== undefined) parseExpression(data.expression);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch rule ${id}`);
    if (data.name !== undefined && data.name !== before.name) {
      const dup = await trx.selectFrom('watch_rules').select('id').where('name', '=', data.name).executeTakeFirst();
      if (dup) throw new ConflictError(`watch rule ${data.name} exists`, t('rules.duplicateName', { name: data.name }));
    }
    const set: Partial<Selectable<WatchRuleTable>> = { updated_at: nowIso() };
    if (data.name !== undefined) set.name = data.name;
    if (data.expression !== undefined) set.expression = data.expression;
    if (data.sources !== undefined) {
      await checkSources(trx, data.sources);
      set.scope_sources = toJson(data.sources);
    }
    if (data.department !== undefined) set.department_id = await departmentId(trx, data.department);
    if (data.min_level !== undefined) set.min_level = data.min_level;
    if (data.enabled !== undefined) set.enabled = data.enabled ? 1 : 0;
    const after = await trx.updateTable('watch_rules').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'watch_rule.update', entity: 'watch_rule', entityId: id, before, after });
    const dep = after.department_id === null ? null : await trx.selectFrom('departments').select('code').where('id', '=', after.department_id).executeTakeFirst();
    return view({ ...after, department_code: dep?.code ?? null });
  });
}

/** Deletes a rule; one that alerts already refer to is kept for the record (disable it instead). */
export async function deleteWatchRule(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'rules.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('watch_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`watch rule ${id}`);
    const used = await trx.selectFrom('alerts').select('id').where('rule_id', '=', id).limit(1).executeTakeFirst();
    if (used) throw new ConflictError(`watch rule ${id} has alerts`, t('rules.hasAlerts', { name: before.name }));
    await trx.deleteFrom('watch_rules').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'watch_rule.delete', entity: 'watch_rule', entityId: id, before });
  });
}
