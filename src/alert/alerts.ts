import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertActsForDepartment, assertCan, departmentScope, isDepartmentScoped } from '../auth/policy.ts';
import { caseScope } from '../cases/access.ts';
import type { AlertAttemptTable, Database } from '../db/schema.ts';
import { nowIso, readJson } from '../db/values.ts';
import { inappConfigJson } from './channels/inapp.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { RISK_LEVELS } from '../levels.ts';
import { ALERT_STATUSES, attentionOf, ATTENTION_MOVES } from './states.ts';
import { ALERT_KINDS, CHANNEL_KIND_NAMES, ESCALATION_SEPARATOR } from './vocabulary.ts';
import { shapeOf } from '../shapes.ts';

export const alertQuery = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  level: z.enum(RISK_LEVELS).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  channel_id: z.coerce.number().int().positive().optional(),
  department_id: z.coerce.number().int().positive().optional(),
  post_id: z.coerce.number().int().positive().optional(),
  case_id: z.coerce.number().int().positive().optional(),
  acknowledged: z.enum(['true', 'false']).optional(),
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertQuery = z.infer<typeof alertQuery>;

const columns = [
  'alerts.id',
  'alerts.kind',
  'alerts.level',
  'alerts.title',
  'alerts.body',
  'alerts.status',
  'alerts.attempts',
  'alerts.next_attempt_at',
  'alerts.last_error',
  'alerts.sent_at',
  'alerts.acknowledged_by',
  'alerts.acknowledged_at',
  'alerts.escalated_at',
  'alerts.created_at',
  'alerts.post_id',
  'alerts.event_id',
  'alerts.case_id',
  'alerts.rule_id',
  'alerts.channel_id',
  'alerts.department_id',
  'alerts.attachment_id',
  'alerts.digest_id',
  'alerts.matter_key',
  'channels.name as channel_name',
  'channels.kind as channel_kind',
] as const;

/**
 * A responder or head sees their department's alerts and the shared ones, never the leaders'
 * channels, and an alert about a case only when they may see the case (a case's escalation
 * goes to the office without a department).
 */
function base(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom('alerts')
    .innerJoin('channels', 'channels.id', 'alerts.channel_id')
    .select(columns)
    .where(departmentScope(actor, 'alerts.department_id'))
    .$if(isDepartmentScoped(actor), (q) =>
      q
        .where('channels.audience', '!=', 'leaders')
        .where((eb) => eb.or([eb('alerts.case_id', 'is', null), eb('alerts.case_id', 'in', eb.selectFrom('cases').select('cases.id').where(caseScope(actor)))])),
    );
}

/** Alerts visible to the actor (a responder or head: their department's and the shared ones). */
export async function listAlerts(db: Kysely<Database>, actor: Actor, q: Partial<AlertQuery> = {}) {
  assertCan(actor, 'alerts.read');
  const f = alertQuery.parse(q);
  let query = base(db, actor).orderBy('alerts.id', 'desc').limit(f.limit);
  if (f.status) query = query.where('alerts.status', '=', f.status);
  if (f.level) query = query.where('alerts.level', '=', f.level);
  if (f.kind) query = query.where('alerts.kind', '=', f.kind);
  if (f.channel_id) query = query.where('alerts.channel_id', '=', f.channel_id);
  if (f.department_id) query = query.where('alerts.department_id', '=', f.department_id);
  if (f.post_id) query = query.where('alerts.post_id', '=', f.post_id);
  if (f.case_id) query = query.where('alerts.case_id', '=', f.case_id);
  if (f.acknowledged === 'true') query = query.where('alerts.acknowledged_at', 'is not', null);
  if (f.acknowledged === 'false') query = query.where('alerts.acknowledged_at', 'is', null);
  if (f.since) query = query.where('alerts.created_at', '>=', new Date(f.since).toISOString());
  if (f.until) query = query.where('alerts.created_at', '<', new Date(f.until).toISOString());
  if (f.before_id) query = query.where('alerts.id', '<', f.before_id);
  return query.execute();
}

export async function getAlert(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'alerts.read');
  const row = await base(db, actor).where('alerts.id', '=', id).executeTakeFirst();
  if (row) return row;
  if (!(await db.selectFrom('alerts').select('id').where('id', '=', id).executeTakeFirst())) throw new NotFoundError(`alert ${id}`);
  throw new ForbiddenError(`${actor.name} may not see alert ${id}`);
}

/** Which of these alerts the actor may see (the live stream checks each push with it). */
/** An alert as people see it, with its channel's name and kind. */
export const alertRowSchema = shapeOf<Awaited<ReturnType<typeof getAlert>>>()({
  id: z.number(),
  kind: z.enum(ALERT_KINDS),
  level: z.enum(RISK_LEVELS),
  title: z.string(),
  body: z.string(),
  status: z.enum(ALERT_STATUSES),
  attempts: z.number(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  sent_at: z.string().nullable(),
  acknowledged_by: z.number().nullable(),
  acknowledged_at: z.string().nullable(),
  escalated_at: z.string().nullable(),
  created_at: z.string(),
  post_id: z.number().nullable(),
  event_id: z.number().nullable(),
  case_id: z.number().nullable(),
  rule_id: z.number().nullable(),
  channel_id: z.number(),
  department_id: z.number().nullable(),
  attachment_id: z.number().nullable(),
  digest_id: z.number().nullable(),
  matter_key: z.string().nullable().describe('alerts about one matter share it'),
  channel_name: z.string(),
  channel_kind: z.enum(CHANNEL_KIND_NAMES),
});

export const alertAttemptSchema = shapeOf<Selectable<AlertAttemptTable>>()({
  id: z.number(),
  alert_id: z.number(),
  at: z.string(),
  ok: z.number(),
  status_code: z.number().nullable(),
  snippet: z.string().nullable().describe("the start of the service's answer"),
  error: z.string().nullable(),
  duration_ms: z.number().nullable(),
});

export const acknowledgedSchema = shapeOf<Awaited<ReturnType<typeof acknowledgeAlert>>>()({ ...alertRowSchema.shape, alreadyAcknowledged: z.boolean() });

/** Which of these alerts the actor may see (the live stream checks each push with it). */
export async function visibleAlertIds(db: Kysely<Database>, actor: Actor, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  return (await base(db, actor).where('alerts.id', 'in', ids).execute()).map((r) => r.id);
}

export async function listAttempts(db: Kysely<Database>, actor: Actor, id: number) {
  await getAlert(db, actor, id);
  return db.selectFrom('alert_attempts').selectAll().where('alert_id', '=', id).orderBy('id').execute();
}

/**
 * Acknowledges an alert: every alert of the same matter (on every channel, and those folded
 * into a digest) counts as acknowledged, which stops escalation.
 */
export async function acknowledgeAlert(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'alerts.ack');
  const alert = await getAlert(db, actor, id);
  // Acknowledging stops escalation for the whole matter: a responder or head does it only for their own department.
  assertActsForDepartment(actor, alert.department_id);
  const own = isDepartmentScoped(actor) ? actor.departmentId : null;
  // Acknowledging twice is no error: the second time says when it was done.
  if (!ATTENTION_MOVES.can(attentionOf(alert), 'acknowledge')) return { ...alert, alreadyAcknowledged: true };
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    const matters = new Set<string>();
    if (alert.matter_key) matters.add(alert.matter_key);
    if (alert.kind === 'digest') {
      const folded = await trx
        .selectFrom('alerts')
        .select('matter_key')
        .where((eb) => eb.or([eb('digest_id', '=', id), eb('id', 'in', eb.selectFrom('alert_recipients').select('alert_id').where('digest_id', '=', id))]))
        .$if(own !== null, (q) => q.where('department_id', '=', own ?? -1))
        .execute();
      for (const f of folded) if (f.matter_key) matters.add(f.matter_key);
    }
    const escalated = await trx.selectFrom('alerts').select('escalation_of').where('id', '=', id).executeTakeFirst();
    // An escalation names its matter, or (one message for a round) every matter it lists, one a line.
    if (escalated?.escalation_of) for (const m of escalated.escalation_of.split(ESCALATION_SEPARATOR)) if (m) matters.add(m);
    await trx.updateTable('alerts').set({ acknowledged_at: at, acknowledged_by: actor.id }).where('id', '=', id).where('acknowledged_at', 'is', null).execute();
    if (matters.size) {
      await trx
        .updateTable('alerts')
        .set({ acknowledged_at: at, acknowledged_by: actor.id })
        .where((eb) => eb.or([eb('matter_key', 'in', [...matters]), eb('escalation_of', 'in', [...matters])]))
        .$if(own !== null, (q) => q.where('department_id', '=', own ?? -1))
        .where('acknowledged_at', 'is', null)
        .execute();
    }
    await recordAudit(trx, actor, { action: 'alert.acknowledge', entity: 'alert', entityId: id, after: { matters: [...matters], at } });
  });
  return { ...(await getAlert(db, actor, id)), alreadyAcknowledged: false };
}

/**
 * In-app alerts the user has not read yet (newest first): those addressed to them to take at once
 * (`alert_recipients`, alert/recipients.ts; what they take in a digest comes as the digest), within
 * their department scope and the channel's roles.
 */
export async function unreadInapp(db: Kysely<Database>, actor: Actor, limit = 100) {
  assertCan(actor, 'alerts.read');
  const rows = await base(db, actor)
    .select('channels.config as channel_config')
    .where('channels.kind', '=', 'inapp')
    .where('alerts.status', 'in', ['sent', 'digested'])
    .where((eb) =>
      eb.exists(eb.selectFrom('alert_recipients').select('alert_recipients.alert_id').whereRef('alert_recipients.alert_id', '=', 'alerts.id').where('alert_recipients.user_id', '=', actor.id ?? -1).where('alert_recipients.mode', '=', 'now')),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom('alert_reads').select('alert_reads.alert_id').whereRef('alert_reads.alert_id', '=', 'alerts.id').where('alert_reads.user_id', '=', actor.id ?? -1))))
    .orderBy('alerts.id', 'desc')
    .limit(Math.min(limit, 500))
    .execute();
  return rows.filter((r) => inappVisible(actor, r.channel_config)).map(({ channel_config: _c, ...r }) => r);
}

export function inappVisible(actor: Actor, channelConfig: string): boolean {
  const roles = readJson(inappConfigJson, channelConfig, {}).roles;
  return !roles || roles.length === 0 || roles.includes(actor.role);
}

/** Marks in-app alerts read for this user (the given ids, or all visible unread ones). */
export async function markRead(db: Kysely<Database>, actor: Actor, ids?: number[]) {
  if (actor.id === null) return 0;
  const targets = ids && ids.length ? ids : (await unreadInapp(db, actor, 500)).map((r) => r.id);
  const visible = new Set((await unreadInapp(db, actor, 500)).map((r) => r.id));
  const now = nowIso();
  let n = 0;
  for (const id of targets) {
    if (!visible.has(id)) continue;
    await db.insertInto('alert_reads').values({ alert_id: id, user_id: actor.id, read_at: now }).onConflict((oc) => oc.columns(['alert_id', 'user_id']).doNothing()).execute();
    n++;
  }
  return n;
}
