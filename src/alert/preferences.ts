import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Role } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVELS, RISK_LEVEL_LABELS, type RiskLevel } from '../levels.ts';
import { shapeOf } from '../shapes.ts';
import { loadAlertSettings, type AlertSettings } from './settings.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/**
 * What a person chose to receive (`alert_preferences`), within what the office allows (the alert
 * settings): from which level alerts come at once (below it, in their digest), whether they get a
 * digest at all, at which times, and whether personal e-mail channels write to them. A field left
 * null takes the office's default for the person's role.
 */
export const alertPreferencesSchema = z
  .object({
    nowLevel: z.enum(RISK_LEVELS).nullable().default(null).describe('alerts from this level come at once; below it, in the digest (null: the default for my role)'),
    digest: z.boolean().nullable().default(null).describe('receive the digest of what did not come at once (null: the default for my role)'),
    digestTimes: z.array(hhmm).max(8).nullable().default(null).describe('when my digest comes, HH:MM in the workspace zone (null: the workspace times)'),
    email: z.boolean().default(true).describe('personal e-mail channels write to me as well'),
  })
  .strict();
export type AlertPreferences = z.infer<typeof alertPreferencesSchema>;
export const alertPreferencesPatch = alertPreferencesSchema.partial();

const preferencesJson = jsonColumn('alert_preferences.value', alertPreferencesSchema);

/** What applies to a person after defaults: the routing reads this. */
export interface EffectivePreferences {
  nowLevel: RiskLevel;
  digest: boolean;
  digestTimes: string[];
  email: boolean;
}

/** The default "at once" level and digest of a role, from the office's settings. Admins get system notices only. */
export function roleDefaults(role: Role, s: AlertSettings): { nowLevel: RiskLevel; digest: boolean } {
  switch (role) {
    case 'office':
      return { nowLevel: s.officeNowLevel, digest: true };
    case 'leader':
      return { nowLevel: s.leaderNowLevel, digest: true };
    case 'responder':
    case 'head':
      return { nowLevel: s.departmentNowLevel, digest: true };
    default:
      return { nowLevel: 'red', digest: false };
  }
}

export function effectivePreferences(role: Role, p: AlertPreferences, s: AlertSettings): EffectivePreferences {
  const d = roleDefaults(role, s);
  // A person may raise their own threshold only as far as the office allows.
  const wanted = p.nowLevel ?? d.nowLevel;
  const nowLevel = p.nowLevel !== null && levelRank(wanted) > levelRank(s.personalMaxNowLevel) ? s.personalMaxNowLevel : wanted;
  return { nowLevel, digest: p.digest ?? d.digest, digestTimes: p.digestTimes && p.digestTimes.length ? p.digestTimes : s.digestTimes, email: p.email };
}

export async function loadPreferences(db: Kysely<Database> | Transaction<Database>, userIds?: readonly number[]): Promise<Map<number, AlertPreferences>> {
  if (userIds && !userIds.length) return new Map();
  const rows = await db
    .selectFrom('alert_preferences')
    .select(['user_id', 'value'])
    .$if(!!userIds, (q) => q.where('user_id', 'in', userIds!))
    .execute();
  const empty = alertPreferencesSchema.parse({});
  return new Map(rows.map((r) => [r.user_id, readJson(preferencesJson, r.value, empty)]));
}

/** My preferences as the console shows them: what I chose, what applies, and what the office allows. */
export async function myPreferences(db: Kysely<Database>, actor: Actor) {
  assertCan(actor, 'alerts.read');
  if (actor.id === null) throw new ValidationError('no user', t('alert.error.noUser'));
  const s = await loadAlertSettings(db);
  const chosen = (await loadPreferences(db, [actor.id])).get(actor.id) ?? alertPreferencesSchema.parse({});
  return {
    chosen,
    effective: effectivePreferences(actor.role, chosen, s),
    defaults: { ...roleDefaults(actor.role, s), digestTimes: s.digestTimes },
    maxNowLevel: s.personalMaxNowLevel,
    systemOnly: actor.role === 'admin',
  };
}

const effectiveSchema = shapeOf<EffectivePreferences>()({ nowLevel: z.enum(RISK_LEVELS), digest: z.boolean(), digestTimes: z.array(z.string()), email: z.boolean() });

export const myPreferencesSchema = shapeOf<Awaited<ReturnType<typeof myPreferences>>>()({
  chosen: alertPreferencesSchema,
  effective: effectiveSchema,
  defaults: shapeOf<Awaited<ReturnType<typeof myPreferences>>['defaults']>()({ nowLevel: z.enum(RISK_LEVELS), digest: z.boolean(), digestTimes: z.array(z.string()) }),
  maxNowLevel: z.enum(['blue', 'yellow', 'orange', 'red']).describe('the highest "at once" level the office lets a person choose'),
  systemOnly: z.boolean().describe('admins get system notices only'),
});

/** Changes my own preferences (the fields given), refused beyond what the office allows; audited. */
export async function changeMyPreferences(db: Kysely<Database>, actor: Actor, patch: Partial<AlertPreferences>) {
  assertCan(actor, 'alerts.read');
  if (actor.id === null) throw new ValidationError('no user', t('alert.error.noUser'));
  const userId = actor.id;
  const data = alertPreferencesPatch.parse(patch);
  await db.transaction().execute(async (trx) => {
    const s = await loadAlertSettings(trx);
    if (data.nowLevel && levelRank(data.nowLevel) > levelRank(s.personalMaxNowLevel)) {
      throw new ValidationError(`nowLevel above ${s.personalMaxNowLevel}`, t('alert.error.preferenceTooHigh', { level: RISK_LEVEL_LABELS[data.nowLevel], max: RISK_LEVEL_LABELS[s.personalMaxNowLevel] }));
    }
    const before = (await loadPreferences(trx, [userId])).get(userId) ?? alertPreferencesSchema.parse({});
    const next = alertPreferencesSchema.parse({ ...before, ...data });
    const at = nowIso();
    await trx
      .insertInto('alert_preferences')
      .values({ user_id: userId, value: toJson(next), updated_at: at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ value: toJson(next), updated_at: at }))
      .execute();
    await recordAudit(trx, actor, { action: 'alert.preferences', entity: 'user', entityId: userId, before, after: next });
  });
  return myPreferences(db, actor);
}
