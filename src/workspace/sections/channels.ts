import { z } from 'zod';
import { channelConfigJson, channelInput, channelRules, checkChannelConfig, upsertChannelByName } from '../../alert/channel-store.ts';
import { providerOf } from '../../alert/channels/index.ts';
import { quietHoursJson, quietHoursSchema } from '../../alert/quiet.ts';
import { maskSecrets, mergeSecrets } from '../../alert/secrets.ts';
import { maskedPaths } from '../../auth/secrets.ts';
import { alertSettingsSchema, changeAlertSettings, loadAlertSettings } from '../../alert/settings.ts';
import { readJson } from '../../db/values.ts';
import { RISK_LEVELS } from '../../levels.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

/**
 * `channels`: where alerts go. Secrets may be written as `${ENV_NAME}` (resolved when sending);
 * an export never contains a secret in clear: it shows env references as they are and other
 * secrets as "********", which, applied again, keeps the stored value.
 */
const item = channelInput
  .omit({ department_id: true, rule_ids: true, rule_names: true })
  .extend({
    /** Department code; omitted: the office / every department. */
    department: z.string().optional(),
    min_level: z.enum(RISK_LEVELS).optional(),
    /** Only alerts of these watch rules, by name (system notices still come). */
    rules: z.array(z.string().min(1)).optional(),
    quiet_hours: quietHoursSchema.optional(),
    /** 'leaders': receives only escalations addressed to the leaders. */
    audience: z.enum(['department', 'leaders']).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type ChannelItem = z.infer<typeof item>;

function ruleNamesInDoc(doc: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const key of ['watch_rules', 'rules']) for (const r of (doc[key] as { name?: string }[] | undefined) ?? []) if (r?.name) names.add(r.name);
  return names;
}

export const channelsSection: WorkspaceSection<ChannelItem> = {
  key: 'channels',
  order: 70,
  item,
  async validate(db, items, doc) {
    const issues: WorkspaceIssue[] = duplicateIssues('channels', items, (c) => c.name, 'name');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    const fileRules = ruleNamesInDoc(doc);
    for (const [i, c] of items.entries()) {
      const provider = providerOf(c.kind);
      if (!provider) {
        issues.push({ path: ['channels', i, 'kind'], message: `unknown channel kind "${c.kind}"` });
        continue;
      }
      const stored = await db.selectFrom('channels').select('config').where('name', '=', c.name).executeTakeFirst();
      const config = mergeSecrets(provider, readJson(channelConfigJson, stored?.config, {}), c.config);
      for (const at of maskedPaths(config)) issues.push({ path: ['channels', i, 'config', ...at], message: `"${at.join('.')}" is masked and no stored value exists: give the secret or an \${ENV} reference` });
      for (const p of checkChannelConfig(c.kind, config)) issues.push({ path: ['channels', i, 'config'], message: p });
      if (c.department && !fileDepartments.has(c.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', c.department).executeTakeFirst();
        if (!row) issues.push({ path: ['channels', i, 'department'], message: `department "${c.department}" does not exist` });
      }
      for (const [j, r] of (c.rules ?? []).entries()) {
        if (fileRules.has(r)) continue;
        const row = await db.selectFrom('watch_rules').select('id').where('name', '=', r).executeTakeFirst();
        if (!row) issues.push({ path: ['channels', i, 'rules', j], message: `watch rule "${r}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const departments = new Map((await trx.selectFrom('departments').select(['id', 'code']).execute()).map((d) => [d.code, d.id]));
    for (const { department, rules, ...c } of items) {
      count(stats, await upsertChannelByName(trx, ctx.actor, { ...c, department_id: department ? (departments.get(department) ?? null) : null, rule_names: rules ?? [] }));
    }
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('channels').leftJoin('departments', 'departments.id', 'channels.department_id').selectAll('channels').select('departments.code as department').orderBy('channels.name').execute();
    const byChannel = await channelRules(db);
    return rows.map((r) => {
      const out: ChannelItem = { name: r.name, kind: r.kind, config: maskSecrets(providerOf(r.kind), readJson(channelConfigJson, r.config, {})) };
      if (r.department) out.department = r.department;
      if (r.min_level !== 'blue') out.min_level = r.min_level as ChannelItem['min_level'];
      const rules = (byChannel.get(r.id) ?? []).map((x) => x.name);
      if (rules.length) out.rules = rules;
      const quiet = readJson(quietHoursJson, r.quiet_hours, null);
      if (quiet) out.quiet_hours = quiet;
      if (r.audience !== 'department') out.audience = r.audience;
      // A channel switched off by its failures is exported as enabled: the file states intent.
      if (r.enabled === 0 && !r.disabled_at) out.enabled = false;
      return out;
    });
  },
};

/** `alert_settings`: one item with the delivery, flood and escalation settings. */
export const alertSettingsSection: WorkspaceSection<Partial<z.infer<typeof alertSettingsSchema>>> = {
  key: 'alert_settings',
  order: 71,
  item: alertSettingsSchema.partial(),
  async validate(_db, items) {
    return items.length > 1 ? [{ path: ['alert_settings', 1], message: 'alert_settings holds one item' }] : [];
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    count(stats, (await changeAlertSettings(trx, ctx.actor, items[0] ?? {}, true)).outcome);
    return stats;
  },
  async export(db) {
    return [await loadAlertSettings(db)];
  },
};
