import type { Kysely, Transaction } from 'kysely';
import { signalAfterCommit } from '../db/after-commit.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { atLeast, type RiskLevel } from '../levels.ts';
import type { AlertKind } from './vocabulary.ts';

/**
 * Something people must be told: a risky post, a case deadline, a failing source. Writing a
 * notice puts one alert row per matching channel into the outbox, inside the caller's
 * transaction; delivery happens after commit. `key` names the matter: the same key never
 * produces a second alert on the same channel (idempotency across restarts and re-fetches).
 */
export interface Notice {
  kind: AlertKind;
  key: string;
  level: RiskLevel;
  title: string;
  body: string;
  /** The department concerned; null means the office / everyone. */
  departmentId: number | null;
  postId?: number | null;
  eventId?: number | null;
  caseId?: number | null;
  ruleId?: number | null;
  ruleName?: string | null;
  /** Restrict to the office's channels (channels of office departments or without department). */
  officeOnly?: boolean;
  /** 'leaders': only the leaders' channels (audience 'leaders') carry it; they carry nothing else. */
  audience?: 'leaders';
  /** A file to deliver with the notice (e-mail attaches it; the others link to its download). */
  attachmentId?: number;
  /** For escalations: the matter key escalated. */
  escalationOf?: string;
}

const RULE_FILTERED = new Set<AlertKind>(['post', 'event']);

/** Channels that should carry a notice: enabled, level high enough, department and rule matching. */
export async function channelsFor(db: Kysely<Database> | Transaction<Database>, notice: Notice) {
  const channels = await db.selectFrom('channels').selectAll().where('enabled', '=', 1).execute();
  const offices = new Set((await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute()).map((d) => d.id));
  const ruleIds = new Map<number, number[]>();
  for (const r of await db.selectFrom('channel_rules').select(['channel_id', 'rule_id']).execute()) ruleIds.set(r.channel_id, [...(ruleIds.get(r.channel_id) ?? []), r.rule_id]);
  return channels.filter((c) => {
    if ((c.audience === 'leaders') !== (notice.audience === 'leaders')) return false;
    if (!atLeast(notice.level, c.min_level)) return false;
    if (notice.officeOnly) {
      if (c.department_id !== null && !offices.has(c.department_id)) return false;
    } else if (c.department_id !== null && c.department_id !== notice.departmentId && !offices.has(c.department_id)) {
      return false;
    }
    const rules = ruleIds.get(c.id) ?? [];
    // A channel limited to some watch rules still carries system notices (deadlines, failing sources).
    if (rules.length > 0 && RULE_FILTERED.has(notice.kind) && (typeof notice.ruleId !== 'number' || !rules.includes(notice.ruleId))) return false;
    return true;
  });
}

/** The signal that wakes this process's delivery loops (runner.ts `listenForWakes`). */
export const DELIVERY_WAKE = 'alert.wake';

/**
 * Wakes delivery once the transaction `q` belongs to has committed (at once outside a
 * transaction; never when it rolls back), once per transaction however often it is asked.
 */
export function wakeDeliveryAfterCommit(q: Kysely<Database> | Transaction<Database>): Promise<void> {
  return signalAfterCommit(q, DELIVERY_WAKE);
}

/**
 * Writes the notice into the outbox; returns the ids of alerts newly created (none when already
 * notified). When it created any, delivery is woken once the caller's transaction commits
 * (`afterCommit` in the database layer), so no caller wakes it by hand.
 */
export async function enqueueNotice(trx: Kysely<Database> | Transaction<Database>, notice: Notice): Promise<number[]> {
  const ids: number[] = [];
  const now = nowIso();
  for (const channel of await channelsFor(trx, notice)) {
    const row = await trx
      .insertInto('alerts')
      .values({
        idempotency_key: `${notice.key}|ch${channel.id}`,
        post_id: notice.postId ?? null,
        event_id: notice.eventId ?? null,
        case_id: notice.caseId ?? null,
        rule_id: notice.ruleId ?? null,
        channel_id: channel.id,
        kind: notice.kind,
        level: notice.level,
        title: notice.title,
        body: notice.body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        matter_key: notice.key,
        department_id: notice.departmentId,
        attachment_id: notice.attachmentId ?? null,
        escalation_of: notice.escalationOf ?? null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) ids.push(row.id);
  }
  if (ids.length) await wakeDeliveryAfterCommit(trx);
  return ids;
}
