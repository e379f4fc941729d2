import { z } from 'zod';
import { caseSettingsPatch, changeCaseSettings, loadCaseSettings } from '../../cases/settings.ts';
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
    count(stats, (await changeCaseSettings(trx, ctx.actor, items[0] ?? {}, true)).outcome);
    return stats;
  },
  async export(db) {
    return [await loadCaseSettings(db)];
  },
};
