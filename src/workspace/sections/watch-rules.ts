import { z } from 'zod';
import { parseExpression } from '../../analyze/rules/parser.ts';
import { RuleSyntaxError } from '../../analyze/rules/syntax-error.ts';
import { recordAudit } from '../../audit/audit.ts';
import { scopeSourcesJson } from '../../analyze/rules/store.ts';
import { nowIso, readJson, toJson } from '../../db/values.ts';
import { RISK_LEVELS } from '../../levels.ts';
import { duplicateIssues, emptyStats, sameFields, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

const item = z
  .object({
    name: z.string().min(1).max(100),
    /** The watch-rule expression (docs/rules.md). */
    expression: z.string().min(1).max(2000),
    /** Source names the rule is limited to; omitted means every source. */
    sources: z.array(z.string().min(1)).optional(),
    /** Department code that handles what the rule finds. */
    department: z.string().min(1).optional(),
    min_level: z.enum(RISK_LEVELS).optional(),
    enabled: z.boolean().optional(),
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
    for (const r of items) {
      const dep = r.department ? await trx.selectFrom('departments').select('id').where('code', '=', r.department).executeTakeFirstOrThrow() : null;
      const next = {
        expression: r.expression,
        scope_sources: toJson(r.sources ?? []),
        department_id: dep?.id ?? null,
        min_level: r.min_level ?? 'blue',
        enabled: r.enabled === false ? 0 : 1,
      };
      const row = await trx.selectFrom('watch_rules').selectAll().where('name', '=', r.name).executeTakeFirst();
      if (!row) {
        const now = nowIso();
        const created = await trx.insertInto('watch_rules').values({ name: r.name, ...next, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'watch_rule.create', entity: 'watch_rule', entityId: created.id, after: created });
        stats.created++;
      } else if (!sameFields(row, next)) {
        const after = await trx.updateTable('watch_rules').set({ ...next, updated_at: nowIso() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'watch_rule.update', entity: 'watch_rule', entityId: row.id, before: row, after });
        stats.updated++;
      } else stats.unchanged++;
    }
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
    return rows.map((r) => {
      const out: WatchRuleItem = { name: r.name, expression: r.expression };
      const sources = readJson(scopeSourcesJson, r.scope_sources, []);
      if (sources.length) out.sources = sources;
      if (r.department_code) out.department = r.department_code;
      if (r.min_level !== 'blue') out.min_level = r.min_level as WatchRuleItem['min_level'];
      if (!r.enabled) out.enabled = false;
      return out;
    });
  },
};
