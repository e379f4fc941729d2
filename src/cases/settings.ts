import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import type { Upserted } from '../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { RISK_LEVELS } from '../levels.ts';

/**
 * Case-handling settings (the office sets them; also the `case_settings` workspace section):
 * when cases open automatically, which deadline rule applies, reminder lead times, how long a
 * posted reply may stay unseen on its thread, and the bureaucratic stock phrases replies avoid.
 */
/**
 * Stock phrases (套话) a reply avoids: the office edits the list (案件设置 / 回复模板 page, the
 * `case_settings` workspace section); this is a new workspace's list: vague promises, deflection,
 * and formulas that say nothing concrete (DESIGN §1: plain, friendly language).
 */
export const DEFAULT_STOCK_PHRASES = [
  '根据有关文件精神',
  '根据有关规定',
  '按照有关规定',
  '根据相关规定',
  '按照相关规定',
  '依据相关规定',
  '有关部门高度重视',
  '相关部门高度重视',
  '高度重视此事',
  '领导高度重视',
  '我局高度重视',
  '高度重视并',
  '已责成有关单位研究处理',
  '已责成相关部门研究处理',
  '已责成有关部门',
  '责成有关部门',
  '已转交有关部门',
  '此事已转交有关部门',
  '已转相关部门处理',
  '相关部门正在研究',
  '正在研究处理',
  '研究后再答复',
  '待研究后答复',
  '依法依规处理',
  '依法依规进行处理',
  '将依法依规',
  '依法依规妥善处理',
  '请耐心等待',
  '敬请耐心等待',
  '请您耐心等待',
  '请以官方发布为准',
  '以官方发布为准',
  '不属于我单位职责范围',
  '不属于本部门职责范围',
  '不在我单位职责范围',
  '请向有关部门反映',
  '请向相关部门咨询',
  '请咨询相关部门',
  '建议您向有关部门反映',
  '积极协调',
  '积极稳妥推进',
  '进一步加大力度',
  '加大工作力度',
  '切实加强',
  '认真研究',
  '妥善处理',
  '妥善解决',
  '尽快处理',
  '尽快解决',
  '适时推进',
  '择机推进',
  '统筹考虑',
  '逐步解决',
  '有关情况正在调查中',
  '正在调查核实',
  '已安排专人跟进',
  '已引起高度重视',
  '相关工作正在有序推进',
  '情况属实的将依法处理',
  '经研究决定',
  '视情况而定',
  '具体以实际为准',
  '详见相关规定',
  '相关政策正在制定中',
  '目前暂无相关计划',
  '暂无明确时间表',
  '如有进展将及时告知',
];

const fields = {
  /** Analysis opens a case for posts at or above this level; 'off' disables automatic opening. */
  auto_open_level: z.enum([...RISK_LEVELS, 'off']),
  /** 当日答复: items found on a working day are answered by closing time the same working day. */
  same_day: z.boolean(),
  /** When same_day is off: the national 48-hour limit for other 政务舆情. */
  general_hours: z.number().int().min(1).max(720),
  /** Levels whose cases run the 48-hour clock (`general_hours`) even while same_day is on (issue 18: per level, not only globally). */
  general_hours_levels: z.array(z.enum(RISK_LEVELS)).max(4),
  emergency_info_hours: z.number().int().min(1).max(72),
  emergency_press_hours: z.number().int().min(1).max(168),
  instruction_working_days: z.number().int().min(1).max(30),
  /** Reminder lead time before a working-day deadline, and before an emergency clock. */
  reminder_minutes: z.number().int().min(0).max(7 * 24 * 60),
  emergency_reminder_minutes: z.number().int().min(0).max(24 * 60),
  commitment_reminder_days: z.number().int().min(0).max(60),
  /** A posted reply not seen on its thread after this many hours raises a warning. */
  verify_within_hours: z.number().int().min(1).max(24 * 14),
  /** People record a reply after posting it: a reply on the thread up to this many hours before the recorded time is still it. */
  verify_before_hours: z.number().int().min(0).max(24 * 30),
  /** Share of the recorded text (0–1) that must appear in a reply on the thread for it to count as the recorded one. */
  verify_similarity: z.number().min(0.1).max(1),
  /** 发文单位: the bureau's full name on memos and briefs (empty: the office department's name). */
  bureau_name: z.string().max(100),
  /** The bureau's official account on the forums (the seed's 岱山建设): statements in the bureau's name sign with it. */
  official_account: z.string().max(100),
  /** Briefs' 编辑 / 审核 / 签发 line (names or posts; empty fields are left out). */
  brief_editor: z.string().max(50),
  brief_reviewer: z.string().max(50),
  brief_signer: z.string().max(50),
  stock_phrases: z.array(z.string().min(2).max(50)).max(500),
};

export const caseSettingsSchema = z.object(fields).strict();
export type CaseSettings = z.infer<typeof caseSettingsSchema>;
/** A change: only the fields given replace the current ones. */
export const caseSettingsPatch = z.object(fields).partial().strict();

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  auto_open_level: 'yellow',
  same_day: true,
  general_hours: 48,
  general_hours_levels: [],
  emergency_info_hours: 5,
  emergency_press_hours: 24,
  instruction_working_days: 3,
  reminder_minutes: 120,
  emergency_reminder_minutes: 60,
  commitment_reminder_days: 2,
  verify_within_hours: 6,
  verify_before_hours: 24,
  verify_similarity: 0.6,
  bureau_name: '',
  official_account: '',
  brief_editor: '',
  brief_reviewer: '',
  brief_signer: '',
  stock_phrases: DEFAULT_STOCK_PHRASES,
};

const KEY = 'cases.settings';

/** The `cases.settings` row of `settings`: an object whose fields are checked one by one (a bad one falls back to its default). */
const caseSettingsJson = jsonColumn('settings.value (cases.settings)', z.record(z.string(), z.unknown()));

export async function loadCaseSettings(db: Kysely<Database> | Transaction<Database>): Promise<CaseSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const stored = readJson(caseSettingsJson, row?.value, {});
  const out: Record<string, unknown> = { ...DEFAULT_CASE_SETTINGS };
  // A stored field that no longer validates falls back to its default instead of breaking deadlines.
  for (const [k, schema] of Object.entries(fields)) {
    const v = (schema as z.ZodType).safeParse(stored[k]);
    if (v.success) out[k] = v.data;
  }
  return out as CaseSettings;
}

export function parseCaseSettings(input: unknown): CaseSettings {
  const parsed = caseSettingsSchema.safeParse({ ...DEFAULT_CASE_SETTINGS, ...((input as object) ?? {}) });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid case settings: ${detail}`, t('case.error.settingsInvalid', { detail }));
  }
  return parsed.data;
}

/** Stores the full settings object (callers merge a patch first); returns what was stored. */
export async function storeCaseSettings(trx: Kysely<Database> | Transaction<Database>, settings: CaseSettings): Promise<CaseSettings> {
  const value = toJson(settings);
  await trx
    .insertInto('settings')
    .values({ key: KEY, value, updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso() }))
    .execute();
  return settings;
}

/**
 * The settings changed by a person (the API) or a workspace file: the fields given replace the
 * current ones; audited, in the caller's transaction. With `skipUnchanged`, a patch that changes
 * nothing writes nothing.
 */
export async function changeCaseSettings(trx: Transaction<Database>, actor: Actor, patch: Partial<CaseSettings>, skipUnchanged = false): Promise<{ settings: CaseSettings; outcome: Upserted }> {
  assertCan(actor, 'settings.manage');
  const before = await loadCaseSettings(trx);
  const next = parseCaseSettings({ ...before, ...patch });
  if (skipUnchanged && JSON.stringify(before) === JSON.stringify(next)) return { settings: before, outcome: 'unchanged' };
  const after = await storeCaseSettings(trx, next);
  await recordAudit(trx, actor, { action: 'settings.cases', entity: 'settings', entityId: 'cases.settings', before, after });
  return { settings: after, outcome: 'updated' };
}
