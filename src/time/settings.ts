import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import { afterCommit } from '../db/after-commit.ts';
import type { Database } from '../db/schema.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import type { Upserted } from '../db/upsert.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { DEFAULT_TIME_ZONE, isTimeZone, setWorkspaceZone, workspaceZone } from './zone.ts';

/**
 * The workspace's time settings (settings key `time`, the `time` workspace section, the console's
 * 工作区 page): the zone every time people read is shown in. Stored times stay UTC, so changing the
 * zone changes what people read, never what is stored.
 */
export const timeSettingsSchema = z
  .object({
    /** An IANA time zone name (Asia/Shanghai, Asia/Urumqi, Asia/Hong_Kong, UTC …). */
    zone: z.string().refine(isTimeZone, 'unknown time zone (use an IANA name such as Asia/Shanghai)').default(DEFAULT_TIME_ZONE),
  })
  .strict();
export type TimeSettings = z.infer<typeof timeSettingsSchema>;
export const timeSettingsPatch = timeSettingsSchema.partial();

const KEY = 'time';
const timeSettingsJson = jsonColumn('settings.value (time)', timeSettingsSchema);

export async function loadTimeSettings(db: Kysely<Database> | Transaction<Database>): Promise<TimeSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return readJson(timeSettingsJson, row?.value, timeSettingsSchema.parse({}));
}

/**
 * Makes this process use the workspace's zone: every process calls it when it opens the
 * database (serve, worker, the CLI, the demo), and the change below calls it after commit.
 */
export async function loadWorkspaceZone(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const s = await loadTimeSettings(db);
  setWorkspaceZone(s.zone);
  return workspaceZone();
}

/** The settings changed by a person (the API) or a workspace file, audited, in the caller's transaction; the zone applies once it commits. */
export async function changeTimeSettings(trx: Transaction<Database>, actor: Actor, patch: Partial<TimeSettings>, skipUnchanged = false): Promise<{ settings: TimeSettings; outcome: Upserted }> {
  assertCan(actor, 'settings.manage');
  const before = await loadTimeSettings(trx);
  const next = timeSettingsSchema.parse({ ...before, ...patch });
  if (skipUnchanged && before.zone === next.zone) return { settings: before, outcome: 'unchanged' };
  const now = nowIso();
  await trx
    .insertInto('settings')
    .values({ key: KEY, value: toJson(next), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: toJson(next), updated_at: now }))
    .execute();
  await recordAudit(trx, actor, { action: 'settings.time', entity: 'settings', entityId: KEY, before, after: next });
  await afterCommit(trx, () => setWorkspaceZone(next.zone), 'time.zone');
  return { settings: next, outcome: 'updated' };
}

/** Every process re-reads the zone each minute, so a change made through another process (serve → worker) reaches it. */
export const zoneRefreshTask: PeriodicTask = {
  name: 'time.zone',
  intervalMs: 60_000,
  local: true,
  async run(ctx) {
    await loadWorkspaceZone(ctx.db.kysely);
  },
};
