import type { Kysely, Transaction } from 'kysely';
import { signalAfterCommit } from '../db/after-commit.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { atLeast, type RiskLevel } from '../levels.ts';
import { DEPARTMENT_ONLY_KINDS, departmentsOf, isPersonalChannel, MATTER_KINDS, recipientContext, recipientsFor } from './recipients.ts';
import type { AlertKind, RecipientMode } from './vocabulary.ts';

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
  /** Further departments concerned (a post matching rules of several departments). */
  departmentIds?: number[];
  postId?: number | null;
  eventId?: number | null;
  caseId?: number | null;
  ruleId?: number | null;
  ruleName?: string | null;
  /** Every watch rule the post matched (a channel limited to some rules carries it when one of them is among these). */
  ruleIds?: number[];
  /**
   * A post or event alert: the matter (`post:12`, `event:3`). A channel that already carried an
   * alert about the matter (under any key, including the per-rule keys before migration 016) is
   * not written to again.
   */
  matter?: string;
  /** A 参考 item: only the office's digest, in-app. */
  reference?: boolean;
  /** Restrict to the office's channels (channels of office departments or without department). */
  officeOnly?: boolean;
  /** 'leaders': only the leaders' channels (audience 'leaders') carry it; they carry nothing else. */
  audience?: 'leaders';
  /** The leaders' channels carry it too, besides those chosen otherwise (one message per person still: in-app covers them once). */
  alsoLeaders?: boolean;
  /** A file to deliver with the notice (e-mail attaches it; the others link to its download). */
  attachmentId?: number;
  /** For escalations: the matter key escalated. */
  escalationOf?: string;
}

const RULE_FILTERED = new Set<AlertKind>(['post', 'event']);

/**
 * Channels that should carry a notice: enabled, level high enough, department and rule matching.
 * A department's channel carries what concerns the department; the office's channels carry what
 * concerns any department (triage), except notices meant only for the departments they name; a
 * channel without department carries everything. A 参考 item goes to no group at all (the
 * office's in-app digest only).
 */
export async function channelsFor(db: Kysely<Database> | Transaction<Database>, notice: Notice) {
  const channels = await db.selectFrom('channels').selectAll().where('enabled', '=', 1).orderBy('id').execute();
  const offices = new Set((await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute()).map((d) => d.id));
  const ruleIds = new Map<number, number[]>();
  for (const r of await db.selectFrom('channel_rules').select(['channel_id', 'rule_id']).execute()) ruleIds.set(r.channel_id, [...(ruleIds.get(r.channel_id) ?? []), r.rule_id]);
  const departments = departmentsOf(notice);
  const matched = new Set([...(notice.ruleIds ?? []), ...(typeof notice.ruleId === 'number' ? [notice.ruleId] : [])]);
  return channels.filter((c) => {
    if (c.audience === 'leaders' && notice.alsoLeaders) return atLeast(notice.level, c.min_level);
    if ((c.audience === 'leaders') !== (notice.audience === 'leaders')) return false;
    if (!atLeast(notice.level, c.min_level)) return false;
    if (notice.reference && c.kind !== 'inapp') return false;
    if (notice.officeOnly) {
      if (c.department_id !== null && !offices.has(c.department_id)) return false;
    } else if (c.department_id !== null && !departments.has(c.department_id)) {
      if (!offices.has(c.department_id) || DEPARTMENT_ONLY_KINDS.has(notice.kind)) return false;
    }
    const rules = ruleIds.get(c.id) ?? [];
    // A channel limited to some watch rules still carries system notices (deadlines, failing sources).
    if (rules.length > 0 && RULE_FILTERED.has(notice.kind) && !rules.some((r) => matched.has(r))) return false;
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
  const channels = await channelsFor(trx, notice);
  // Channels that already carried this matter (a sibling post of the event, a re-analysis, a key from before 016).
  const carried = new Set<number>();
  if (notice.matter && channels.length) {
    const m = notice.matter;
    // The keys a matter was alerted under: this one, and those before 016 (one per rule, or by level).
    const keys = [notice.key, `${m}|level`, ...(notice.ruleIds ?? []).map((id) => `${m}|rule-id:${id}`)];
    const rows = await trx.selectFrom('alerts').select('channel_id').distinct().where('matter_key', 'in', keys).where('kind', 'in', [...MATTER_KINDS]).execute();
    for (const r of rows) carried.add(r.channel_id);
  }
  const rc = channels.some(isPersonalChannel) ? await recipientContext(trx) : null;
  // One message per matter per person, whichever personal channels of a kind carry it.
  const covered = new Map<string, Set<number>>();
  for (const channel of channels) {
    if (carried.has(channel.id)) continue;
    let recipients: { userId: number; mode: RecipientMode }[] | null = null;
    if (rc && isPersonalChannel(channel)) {
      const seen = covered.get(channel.kind) ?? new Set<number>();
      covered.set(channel.kind, seen);
      recipients = await recipientsFor(trx, rc, notice, channel, seen, new Date(now));
      if (!recipients.length) continue;
      for (const r of recipients) seen.add(r.userId);
    }
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
    if (!row) continue;
    ids.push(row.id);
    if (recipients) await trx.insertInto('alert_recipients').values(recipients.map((r) => ({ alert_id: row.id, user_id: r.userId, mode: r.mode, digest_id: null, created_at: now }))).execute();
  }
  if (ids.length) await wakeDeliveryAfterCommit(trx);
  return ids;
}
