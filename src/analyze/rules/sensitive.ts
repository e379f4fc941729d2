import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../../auth/policy.ts';
import type { Database } from '../../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../../db/values.ts';
import { CueScanner } from './cues.ts';
import { lowerAscii, type Normalizer } from './matcher.ts';

/**
 * Sensitive terms (敏感词): words that raise a post's risk wherever they appear. The workspace
 * keeps its own list in settings (`analysis.sensitive_terms`); until it sets one, these defaults
 * apply: collective action, violence, corruption and self-harm, the words a county office
 * watches for.
 */
export const DEFAULT_SENSITIVE_TERMS: readonly string[] = [
  '强拆', '暴力执法', '打人', '维权', '上访', '信访', '集体上访', '聚集', '群体性', '拉横幅', '堵路', '游行', '罢工', '静坐',
  '跳楼', '自杀', '轻生', '以死相逼', '腐败', '贪污', '受贿', '行贿', '黑恶', '保护伞', '官商勾结', '打压', '威胁', '报复',
  '欠薪', '讨薪', '黑幕', '草菅人命', '人命关天',
];

export const SENSITIVE_SETTING = 'analysis.sensitive_terms';

export const sensitiveTermsInput = z.object({
  terms: z.array(z.string().trim().min(1).max(50)).max(2000),
});

/** The sensitive-term list, and whether it is still the default one. */
export const sensitiveTermsSchema = z.object({ terms: z.array(z.string()), isDefault: z.boolean() });

/** The workspace's sensitive terms row of `settings` (absent: the defaults). */
const sensitiveTermsJson = jsonColumn('settings.value (sensitive terms)', z.array(z.string()));

export async function getSensitiveTerms(db: Kysely<Database>): Promise<{ terms: string[]; isDefault: boolean }> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SENSITIVE_SETTING).executeTakeFirst();
  const stored = row ? readJson(sensitiveTermsJson, row.value, null) : null;
  return stored ? { terms: stored, isDefault: false } : { terms: [...DEFAULT_SENSITIVE_TERMS], isDefault: true };
}

/** Replaces the workspace's list (an empty list switches sensitive terms off). */
export async function setSensitiveTerms(db: Kysely<Database>, actor: Actor, input: { terms: string[] }): Promise<{ terms: string[]; isDefault: boolean }> {
  assertCan(actor, 'rules.manage');
  const terms = [...new Set(sensitiveTermsInput.parse(input).terms)];
  await db.transaction().execute(async (trx) => {
    const before = await getSensitiveTerms(trx);
    const value = toJson(terms);
    await trx
      .insertInto('settings')
      .values({ key: SENSITIVE_SETTING, value, updated_at: nowIso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso() }))
      .execute();
    await recordAudit(trx, actor, { action: 'sensitive_terms.set', entity: 'setting', entityId: SENSITIVE_SETTING, before: before.terms, after: terms });
  });
  return { terms, isDefault: false };
}

export interface SensitiveList {
  terms: { raw: string; needle: string }[];
  scanner: CueScanner<string>;
}

export function compileSensitive(terms: readonly string[], normalize: Normalizer): SensitiveList {
  const list = terms.map((raw) => ({ raw, needle: lowerAscii(normalize(raw)) })).filter((x) => x.needle);
  return { terms: list, scanner: new CueScanner(list.map((x) => ({ needle: x.needle, tag: x.raw }))) };
}

/** The sensitive terms in a normalised, ASCII-lower-cased text, in order of appearance. */
export function findSensitive(list: SensitiveList, text: string): string[] {
  return [...list.scanner.scan(text)];
}
