import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isRiskLevel, type RiskLevel } from '../../levels.ts';
import type { RuleMatch } from '../types.ts';
import { RuleMatcher, type MatchDoc, type Normalizer } from './matcher.ts';

/** A watch rule ready to match: parsed once, with its scope, department and minimum level. */
export interface CompiledRule {
  id: number | null;
  name: string;
  matcher: RuleMatcher;
  /** Names of the sources the rule is limited to (as they are now); empty means every source. */
  sources: string[];
  /** Their ids: a stored post is placed by its source id, so a renamed source stays in scope. */
  sourceIds?: number[];
  department: string | null;
  departmentId: number | null;
  minLevel: RiskLevel;
}

export interface LoadedRules {
  rules: CompiledRule[];
  /** Stored rules whose expression no longer parses (skipped, reported in logs). */
  broken: { name: string; error: string }[];
}

/** The enabled watch rules of the workspace, compiled with the analysis normaliser. */
export async function loadCompiledRules(db: Kysely<Database>, normalize: Normalizer): Promise<LoadedRules> {
  const rows = await db
    .selectFrom('watch_rules')
    .leftJoin('departments', 'departments.id', 'watch_rules.department_id')
    .select(['watch_rules.id', 'watch_rules.name', 'watch_rules.expression', 'watch_rules.department_id', 'watch_rules.min_level', 'departments.code as department_code'])
    .where('watch_rules.enabled', '=', 1)
    .orderBy('watch_rules.id')
    .execute();
  const scopes = await ruleSources(db);
  const out: LoadedRules = { rules: [], broken: [] };
  for (const r of rows) {
    try {
      const scope = scopes.get(r.id) ?? [];
      out.rules.push({
        id: r.id,
        name: r.name,
        matcher: new RuleMatcher(r.expression, normalize),
        sourceIds: scope.map((s) => s.id),
        sources: scope.map((s) => s.name),
        department: r.department_code ?? null,
        departmentId: r.department_id,
        minLevel: isRiskLevel(r.min_level) ? r.min_level : 'blue',
      });
    } catch (err) {
      out.broken.push({ name: r.name, error: (err as Error).message });
    }
  }
  return out;
}

/** The sources each scoped watch rule is limited to (id and current name), by rule id. */
export async function ruleSources(db: Kysely<Database>, ruleIds?: readonly number[]): Promise<Map<number, { id: number; name: string }[]>> {
  if (ruleIds && !ruleIds.length) return new Map();
  const rows = await db
    .selectFrom('rule_sources')
    .innerJoin('sources', 'sources.id', 'rule_sources.source_id')
    .select(['rule_sources.rule_id', 'sources.id', 'sources.name'])
    .$if(!!ruleIds, (q) => q.where('rule_sources.rule_id', 'in', ruleIds!))
    .orderBy('sources.name')
    .execute();
  const out = new Map<number, { id: number; name: string }[]>();
  for (const r of rows) out.set(r.rule_id, [...(out.get(r.rule_id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

/**
 * Every rule the post matches, with the terms, fields and offsets that matched. A stored post
 * is placed by its source id; a post from outside (`minsheng analyze`) by its source's name.
 */
export function matchRules(rules: readonly CompiledRule[], doc: MatchDoc, source: string | null | undefined, sourceId?: number | null): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    if (rule.sources.length || rule.sourceIds?.length) {
      const inScope = typeof sourceId === 'number' && rule.sourceIds?.length ? rule.sourceIds.includes(sourceId) : !!source && rule.sources.includes(source);
      if (!inScope) continue;
    }
    const hits = rule.matcher.match(doc);
    if (!hits) continue;
    const m: RuleMatch = { rule: rule.name, hits, department: rule.department, minLevel: rule.minLevel };
    if (rule.id !== null) m.ruleId = rule.id;
    out.push(m);
  }
  return out;
}
