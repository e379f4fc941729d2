import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { caseSettingsPatch, parseCaseSettings, loadCaseSettings, storeCaseSettings } from '../../cases/settings.ts';
import { RESPONSE_KINDS } from '../../cases/templates.ts';
import { nowIso } from '../../db/values.ts';
import { duplicateIssues, emptyStats, sameFields, type WorkspaceSection } from '../section.ts';

/**
 * `reply_templates`: the reply templates (reply | firm | statement) with placeholders;
 * `case_settings`: one item with the case-handling settings (auto-open level, same-day rule,
 * reminders, stock phrases). Both belong to the ledger stage.
 */
const templateItem = z
  .object({
    name: z.string().min(1).max(100),
    kind: z.enum(RESPONSE_KINDS),
    body: z.string().min(1).max(20000),
  })
  .strict();
export type ReplyTemplateItem = z.infer<typeof templateItem>;

export const replyTemplatesSection: WorkspaceSection<ReplyTemplateItem> = {
  key: 'reply_templates',
  order: 60,
  item: templateItem,
  async validate(_db, items) {
    return duplicateIssues('reply_templates', items, (i) => i.name, 'name');
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const item of items) {
      const next = { kind: item.kind, body: item.body };
      const row = await trx.selectFrom('reply_templates').selectAll().where('name', '=', item.name).executeTakeFirst();
      if (!row) {
        const now = nowIso();
        const created = await trx.insertInto('reply_templates').values({ name: item.name, ...next, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'template.create', entity: 'reply_template', entityId: created.id, after: created });
        stats.created++;
      } else if (!sameFields(row, next)) {
        const after = await trx.updateTable('reply_templates').set({ ...next, updated_at: nowIso() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'template.update', entity: 'reply_template', entityId: row.id, before: row, after });
        stats.updated++;
      } else stats.unchanged++;
    }
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('reply_templates').select(['name', 'kind', 'body']).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, kind: r.kind as ReplyTemplateItem['kind'], body: r.body }));
  },
};

const settingsItem = caseSettingsPatch;
export type CaseSettingsItem = z.infer<typeof settingsItem>;

export const caseSettingsSection: WorkspaceSection<CaseSettingsItem> = {
  key: 'case_settings',
  order: 61,
  item: settingsItem,
  async validate(_db, items) {
    return items.length > 1 ? [{ path: ['case_settings', 1], message: 'case_settings holds one item' }] : [];
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const before = await loadCaseSettings(trx);
    const next = parseCaseSettings({ ...before, ...(items[0] ?? {}) });
    if (JSON.stringify(before) === JSON.stringify(next)) {
      stats.unchanged++;
      return stats;
    }
    await storeCaseSettings(trx, next);
    await recordAudit(trx, ctx.actor, { action: 'settings.cases', entity: 'settings', entityId: 'cases.settings', before, after: next });
    stats.updated++;
    return stats;
  },
  async export(db) {
    return [await loadCaseSettings(db)];
  },
};
