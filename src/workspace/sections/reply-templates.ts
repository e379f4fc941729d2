import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { caseSettingsPatch, parseCaseSettings, loadCaseSettings, storeCaseSettings } from '../../cases/settings.ts';
import { templateInput, upsertTemplateByName } from '../../cases/templates.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceSection } from '../section.ts';

/**
 * `reply_templates`: the reply templates (reply | firm | statement) with placeholders;
 * `case_settings`: one item with the case-handling settings (auto-open level, same-day rule,
 * reminders, stock phrases). Both belong to the ledger stage.
 */
const templateItem = templateInput.strict();
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
    for (const item of items) count(stats, await upsertTemplateByName(trx, ctx.actor, item));
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
