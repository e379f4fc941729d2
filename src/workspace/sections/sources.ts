import { z } from 'zod';
import { keepMaskedSecrets, maskedPaths, maskSecrets, maskUrl } from '../../auth/secrets.ts';
import { DEFAULT_INTERVAL_SECONDS, HIGH_FREQUENCY_MIN_SECONDS, hashToken, MIN_INTERVAL_SECONDS, sourceInput, upsertSourceByName } from '../../collect/manage.ts';
import { hasRemovedPrivateNetworkOption, REMOVED_PRIVATE_NETWORK_OPTION, REMOVED_PRIVATE_NETWORK_REASON } from '../../collect/sources/common.ts';
import { kindOf } from '../../collect/sources/index.ts';
import { sourceConfigJson } from '../../collect/types.ts';
import { readJson } from '../../db/values.ts';
import { count, duplicateIssues, emptyStats, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

const interval = z.union([
  z.number().int().min(HIGH_FREQUENCY_MIN_SECONDS).max(7 * 86400),
  z.string().regex(/^\d+\s*(s|m|min|h|d)$/i, 'an interval such as 300, "5m", "1h"'),
]);

/** The file's item is the store's input, with `department` by code and `interval` as text. */
const item = sourceInput
  .omit({ interval_seconds: true, department_id: true })
  .extend({
    url: z.string().max(2000).optional(),
    /** Seconds, or "5m", "1h" (default 5m, at least 1 minute; 10 s with `high_frequency: true`). */
    interval: interval.optional(),
    /** Department code the source's posts belong to by default. */
    department: z.string().optional(),
    /** push only: a token to set (at least 24 characters); only its hash is stored and exported. */
    push_token: z.string().min(24).max(200).optional(),
    /** push only: the SHA-256 of the token, as exported; keeps the current token. */
    push_token_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  })
  .strict();
export type SourceItem = z.infer<typeof item>;

export function intervalSeconds(v: SourceItem['interval']): number {
  if (v === undefined) return DEFAULT_INTERVAL_SECONDS;
  if (typeof v === 'number') return v;
  const m = /^(\d+)\s*(s|m|min|h|d)$/i.exec(v)!;
  const unit = { s: 1, m: 60, min: 60, h: 3600, d: 86400 }[m[2].toLowerCase() as 's'];
  return Number(m[1]) * unit;
}

function intervalText(seconds: number): string | number {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return seconds;
}

/** Sources (信息源) as configuration: matched by name; push tokens never appear in clear. */
export const sourcesSection: WorkspaceSection<SourceItem> = {
  key: 'sources',
  order: 30,
  item,
  async validate(db, items, doc) {
    const issues: WorkspaceIssue[] = duplicateIssues('sources', items, (s) => s.name, 'name');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    for (const [i, s] of items.entries()) {
      const kind = kindOf(s.kind)!;
      if (kind.needsUrl) {
        let ok = false;
        try {
          const u = new URL(s.url ?? '');
          ok = u.protocol === 'http:' || u.protocol === 'https:';
        } catch {
          ok = false;
        }
        if (!ok) issues.push({ path: ['sources', i, 'url'], message: s.url ? `not an http(s) URL: ${s.url}` : `a ${s.kind} source needs a url` });
      }
      const stored = await db.selectFrom('sources').select(['url', 'config']).where('name', '=', s.name).executeTakeFirst();
      const given = keepMaskedSecrets({ url: stored?.url ?? null, config: readJson(sourceConfigJson, stored?.config, {}) }, { url: s.url ?? null, config: s.config ?? {} });
      for (const at of maskedPaths(given)) issues.push({ path: ['sources', i, ...at], message: `"${at.join('.')}" is masked and no stored value exists: give the secret` });
      const cfg = kind.config.safeParse(s.config ?? {});
      if (hasRemovedPrivateNetworkOption(s.config)) issues.push({ path: ['sources', i, 'config', REMOVED_PRIVATE_NETWORK_OPTION], message: REMOVED_PRIVATE_NETWORK_REASON });
      else if (!cfg.success) {
        for (const issue of cfg.error.issues) {
          const sub = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
          const extra = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
          issues.push({ path: ['sources', i, 'config', ...sub], message: extra });
        }
      }
      const s2 = intervalSeconds(s.interval);
      const min = s.high_frequency ? HIGH_FREQUENCY_MIN_SECONDS : MIN_INTERVAL_SECONDS;
      if (s2 < min || s2 > 7 * 86400) issues.push({ path: ['sources', i, 'interval'], message: s.high_frequency ? `between ${min} seconds and 7 days` : 'between 1 minute and 7 days (10 seconds with high_frequency: true)' });
      if (s.high_frequency && !kind.needsUrl) issues.push({ path: ['sources', i, 'high_frequency'], message: `a ${s.kind} source is not polled` });
      if ((s.push_token || s.push_token_sha256) && s.kind !== 'push') issues.push({ path: ['sources', i, s.push_token ? 'push_token' : 'push_token_sha256'], message: 'only push sources have a token' });
      if (s.department && !fileDepartments.has(s.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', s.department).executeTakeFirst();
        if (!row) issues.push({ path: ['sources', i, 'department'], message: `department "${s.department}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const deptId = new Map((await trx.selectFrom('departments').select(['id', 'code']).execute()).map((d) => [d.code, d.id]));
    for (const { interval, department, push_token, push_token_sha256, ...s } of items) {
      const input = { ...s, interval_seconds: intervalSeconds(interval), department_id: department ? (deptId.get(department) ?? null) : null };
      count(stats, await upsertSourceByName(trx, ctx.actor, input, push_token ? hashToken(push_token) : push_token_sha256));
    }
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('sources').leftJoin('departments', 'departments.id', 'sources.department_id').selectAll('sources').select('departments.code as department').orderBy('sources.name').execute();
    return rows.map((r) => {
      const out: SourceItem = { name: r.name, kind: r.kind as SourceItem['kind'] };
      if (r.url) out.url = maskUrl(r.url);
      if (r.interval_seconds !== DEFAULT_INTERVAL_SECONDS) out.interval = intervalText(r.interval_seconds) as SourceItem['interval'];
      if (Number(r.weight) !== 1) out.weight = Number(r.weight);
      if (r.department) out.department = r.department;
      if (r.high_frequency) out.high_frequency = true;
      if (r.paused) out.paused = true;
      if (r.reference) out.reference = true;
      const config = maskSecrets(readJson(sourceConfigJson, r.config, {}));
      if (Object.keys(config).length) out.config = config;
      if (r.push_token_hash) out.push_token_sha256 = r.push_token_hash;
      return out;
    });
  },
};
