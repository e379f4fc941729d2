import { z } from 'zod';
import { parseExpression } from '../../analyze/rules/parser.ts';
import { RuleSyntaxError } from '../../analyze/rules/syntax-error.ts';
import { ruleSources } from '../../analyze/rules/compiled.ts';
import { upsertWatchRuleByName, watchRuleInput } from '../../analyze/rules/store.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

/**
 * The file's item is the store's input: `sources` by name, `department` by code (both stored
 * by id, so renaming a source or a department's code changes nothing here but the names shown).
 */
const item = watchRuleInput
  .extend({
    /** Department code that handles what the rule finds. */
    department: z.string().min(1).max(64).optional(),
  })
  .strict();
export type WatchRuleItem = z.infer<typeof item>;

export const watchRulesSection: WorkspaceSection<WatchRuleItem> = {
  key: 'watch_rules',
  order: 40,
  item,
  async validate(db, items, doc) {
    const issues: WorkspaceIssue[] = duplicateIssues('watch_rules', items, (r) => r.name, 'name');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    const fileSources = new Set(((doc.sources as { name: string }[] | undefined) ?? []).map((s) => s.name));
    for (const [i, r] of items.entries()) {
      try {
        parseExpression(r.expression);
      } catch (err) {
        if (!(err instanceof RuleSyntaxError)) throw err;
        issues.push({ path: ['watch_rules', i, 'expression'], message: `${err.message} (${err.userMessage})` });
      }
      if (r.department && !fileDepartments.has(r.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', r.department).executeTakeFirst();
        if (!row) issues.push({ path: ['watch_rules', i, 'department'], message: `department "${r.department}" does not exist` });
      }
      for (const [j, s] of (r.sources ?? []).entries()) {
        if (fileSources.has(s)) continue;
        const row = await db.selectFrom('sources').select('id').where('name', '=', s).executeTakeFirst();
        if (!row) issues.push({ path: ['watch_rules', i, 'sources', j], message: `source "${s}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const r of items) count(stats, await upsertWatchRuleByName(trx, ctx.actor, r));
    return stats;
  },
  async export(db) {
    const rows = await db
      .selectFrom('watch_rules')
      .leftJoin('departments', 'departments.id', 'watch_rules.department_id')
      .selectAll('watch_rules')
      .select('departments.code as department_code')
      .orderBy('watch_rules.name')
      .execute();
    const scopes = await ruleSources(db);
    return rows.map((r) => {
      const out: WatchRuleItem = { name: r.name, expression: r.expression };
      const sources = (scopes.get(r.id) ?? []).map((s) => s.name);
      if (sources.length) out.sources = sources;
      if (r.department_code) out.department = r.department_code;
      if (r.min_level !== 'blue') out.min_level = r.min_level as WatchRuleItem['min_level'];
      if (!r.enabled) out.enabled = false;
      return out;
    });
  },
};
