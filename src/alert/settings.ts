import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import type { Upserted } from '../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { RISK_LEVELS } from '../levels.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/** Delivery, flood, escalation settings of the workspace (settings key `alert`). */
export const alertSettingsSchema = z
  .object({
    /** A post that matches no watch rule still alerts at this level or above ('off' to disable). */
    unmatchedMinLevel: z.enum([...RISK_LEVELS, 'off']).default('orange'),
    /** Posts published more than this many hours before they were collected neither alert nor open a case (0: no limit). */
    oldPostHours: z.number().int().min(0).max(24 * 366).default(72),
    /** Unacknowledged alerts go to the office after this many minutes. */
    escalateAfterMinutes: z.number().int().min(1).max(7 * 24 * 60).default(30),
    /** Escalations go out in rounds at least this many minutes apart, one message per recipient per round (red does not wait; 0: every check). */
    escalationRoundMinutes: z.number().int().min(0).max(24 * 60).default(15),
    /** Red alerts go to the leaders after this many minutes without acknowledgement. */
    redEscalateAfterMinutes: z.number().int().min(1).max(7 * 24 * 60).default(15),
    /** Consecutive failed attempts after which a channel is switched off. */
    failureStreakLimit: z.number().int().min(1).max(1000).default(10),
    /** Attempts after which a single alert the service keeps refusing is given up. */
    maxAttempts: z.number().int().min(1).max(1000).default(12),
    /** More than `digestThreshold` messages per channel within the window are folded into one digest. */
    digestThreshold: z.number().int().min(1).max(1000).default(5),
    digestWindowMinutes: z.number().int().min(1).max(24 * 60).default(10),
    backoffBaseSeconds: z.number().min(0.01).max(3600).default(30),
    backoffMaxSeconds: z.number().min(0.01).max(24 * 3600).default(1800),
    /** A claimed alert is taken over by another process when its lease runs out (crash); at least the send timeout + 5 s. */
    leaseSeconds: z.number().min(1).max(3600).default(20),
    timeoutSeconds: z.number().min(0.1).max(120).default(10),
    /**
     * Who gets a post's alert in-app (recipients.ts): the routed department's people from
     * `departmentNowLevel`; the office, for triage, from `officeNowLevel` (below it, and a post
     * routed to nobody always at once), the rest in its digest; leaders from `leaderNowLevel`,
     * the rest in their digest; admins only system notices.
     */
    departmentNowLevel: z.enum(RISK_LEVELS).default('yellow'),
    officeNowLevel: z.enum(RISK_LEVELS).default('orange'),
    leaderNowLevel: z.enum(RISK_LEVELS).default('orange'),
    /** When digests go out, wall-clock times in the workspace zone; a person may choose their own. */
    digestTimes: z.array(hhmm).min(1).max(8).default(['08:30', '12:00', '17:30']),
    /** A person may choose to take alerts at once only from a level up to this one (below it, in their digest); red always comes at once. */
    personalMaxNowLevel: z.enum(['blue', 'yellow', 'orange', 'red']).default('orange'),
    /** A person takes at most this many alerts at once per `digestWindowMinutes` (red always); the rest come as one digest at the end of the window. */
    personalFloodLimit: z.number().int().min(1).max(1000).default(4),
  })
  .strict();

export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** The `alert` row of `settings`. */
const alertSettingsJson = jsonColumn('settings.value (alert)', alertSettingsSchema);

const KEY = 'alert';

export async function loadAlertSettings(db: Kysely<Database> | Transaction<Database>): Promise<AlertSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return readJson(alertSettingsJson, row?.value, alertSettingsSchema.parse({}));
}

export async function saveAlertSettings(db: Kysely<Database> | Transaction<Database>, patch: Partial<AlertSettings>): Promise<AlertSettings> {
  const current = await loadAlertSettings(db);
  const next = alertSettingsSchema.parse({ ...current, ...patch });
  const now = nowIso();
  await db
    .insertInto('settings')
    .values({ key: KEY, value: toJson(next), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: toJson(next), updated_at: now }))
    .execute();
  return next;
}

/**
 * The settings changed by a person (the API) or a workspace file, audited, in the caller's
 * transaction. With `skipUnchanged`, a patch that changes nothing writes nothing.
 */
export async function changeAlertSettings(trx: Transaction<Database>, actor: Actor, patch: Partial<AlertSettings>, skipUnchanged = false): Promise<{ settings: AlertSettings; outcome: Upserted }> {
  assertCan(actor, 'settings.manage');
  const before = await loadAlertSettings(trx);
  const next = alertSettingsSchema.parse({ ...before, ...patch });
  if (skipUnchanged && JSON.stringify(before) === JSON.stringify(next)) return { settings: before, outcome: 'unchanged' };
  await saveAlertSettings(trx, next);
  await recordAudit(trx, actor, { action: 'settings.alert', entity: 'settings', entityId: 'alert', before, after: next });
  return { settings: next, outcome: 'updated' };
}
