import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { readJson } from '../../db/values.ts';
import { isRiskLevel, type RiskLevel } from '../../levels.ts';
import type { RuleMatch } from '../types.ts';
import { RuleMatcher, type MatchDoc, type Normalizer } from './matcher.ts';
import { scopeSourcesJson } from './store.ts';

/** A watch rule ready to match: parsed once, with its scope, department and minimum level. */
export interface CompiledRule {
  id: number | null;
  name: string;
  matcher: RuleMatcher;
  /** Source names the rule is limited to; empty means every source. */
  sources: string[];
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
    .select(['watch_rules.id', 'watch_rules.name', 'watch_rules.expression', 'watch_rules.scope_sources', 'watch_rules.department_id', 'watch_rules.min_level', 'departments.code as department_code'])
    .where('watch_rules.enabled', '=', 1)
    .orderBy('watch_rules.id')
    .execute();
  const out: LoadedRules = { rules: [], broken: [] };
  for (const r of rows) {
    try {
      out.rules.push({
        id: r.id,
        name: r.name,
        matcher: new RuleMatcher(r.expression, normalize),
        sources: readJson(scopeSourcesJson, r.scope_sources, []),
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

/** Every rule the post matches, with the terms, fields and offsets that matched. */
export function matchRules(rules: readonly CompiledRule[], doc: MatchDoc, source: string | null | undefined): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    if (rule.sources.length && !(source && rule.sources.includes(source))) continue;
    const hits = rule.matcher.match(doc);
    if (!hits) continue;
    const m: RuleMatch = { rule: rule.name, hits, department: rule.department, minLevel: rule.minLevel };
    if (rule.id !== null) m.ruleId = rule.id;
    out.push(m);
  }
  return out;
}
