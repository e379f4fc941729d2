import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { ChannelTable, Database } from '../db/schema.ts';
import { readJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVELS } from '../levels.ts';
import { outboundPolicyOf } from '../outbound/policy.ts';
import type { SendResult } from './channels/base.ts';
import { resolveChannelConfig } from './channel-store.ts';
import { linkSecret, publicBase } from './links.ts';
import { buildMessage, type AlertRow } from './message.ts';
import { enqueueNotice } from './outbox.ts';
import { quietHoursJson, quietUntil } from './quiet.ts';
import { isPersonalChannel } from './recipients.ts';
import { ALERT_MOVES, type AlertCommand } from './states.ts';
import { loadAlertSettings, type AlertSettings } from './settings.ts';

type ChannelRow = Selectable<ChannelTable>;

export interface DeliveryOptions {
  /** The clock (tests move it forward instead of waiting). */
  now?: () => Date;
  limit?: number;
}

export interface DeliveryReport {
  claimed: number;
  sent: number;
  failed: number;
  digested: number;
  /** The round stopped at its limit: more is due. */
  more: boolean;
}

/** Exponential backoff with jitter: base·2^(n−1), capped, then a random 50–100 % of it. */
export function backoffMs(n: number, s: Pick<AlertSettings, 'backoffBaseSeconds' | 'backoffMaxSeconds'>, random = Math.random): number {
  const cap = Math.min(s.backoffMaxSeconds * 1000, s.backoffBaseSeconds * 1000 * 2 ** Math.max(0, n - 1));
  return Math.round(cap * (0.5 + random() * 0.5));
}

const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms).toISOString();

/**
 * The one way an alert's delivery status changes: the transition table (states.ts) must allow
 * `command` from the status each alert was read in (else it throws), and the update touches only
 * rows still in a status the command may leave. Callers add their own guard (the claim token,
 * the due condition) and the other columns with `.set(…)`.
 */
function moveAlerts(db: Kysely<Database> | Transaction<Database>, alerts: readonly Pick<AlertRow, 'id' | 'status'>[], command: AlertCommand) {
  for (const a of alerts) ALERT_MOVES.next(a.status, command);
  const { from, to } = ALERT_MOVES.moves[command];
  return db
    .updateTable('alerts')
    .set(to === null ? {} : { status: to })
    .where('id', 'in', alerts.map((a) => a.id))
    .where('status', 'in', from);
}

/** Alerts due now, oldest first: pending and due, or sending with an expired lease (their process died). */
function dueWhere(eb: any, p: string, at: string) {
  return eb.or([
    eb.and([eb(`${p}status`, '=', 'pending'), eb(`${p}next_attempt_at`, '<=', at)]),
    eb.and([eb(`${p}status`, '=', 'sending'), eb(`${p}lease_until`, '<', at)]),
  ]);
}

/** How long a claim holds: one send and its bookkeeping, never a whole round (a crash delays one alert per channel by at most this). */
export function claimLeaseMs(s: Pick<AlertSettings, 'leaseSeconds' | 'timeoutSeconds'>): number {
  return Math.max(s.leaseSeconds, s.timeoutSeconds + 5) * 1000;
}

/** Candidates for this round, not yet claimed: due alerts on enabled channels that may be tried now. */
async function dueAlerts(ctx: AppContext, now: Date, limit: number): Promise<AlertRow[]> {
  const at = now.toISOString();
  return ctx.db.kysely
    .selectFrom('alerts as a')
    .innerJoin('channels as c', 'c.id', 'a.channel_id')
    .selectAll('a')
    .where('c.enabled', '=', 1)
    .where((eb) => eb.or([eb('c.retry_at', 'is', null), eb('c.retry_at', '<=', at)]))
    .where((eb) => dueWhere(eb, 'a.', at))
    .orderBy('a.id')
    .limit(limit)
    .execute();
}

/**
 * Claims one alert just before it is sent, with a short lease. The repeated due condition makes
 * the update a compare-and-set: of several processes only one gets the row; the others move on.
 */
async function claimOne(ctx: AppContext, a: AlertRow, token: string, now: Date, s: AlertSettings): Promise<AlertRow | null> {
  const at = now.toISOString();
  const row = await moveAlerts(ctx.db.kysely, [a], 'claim')
    .set({ claim_token: token, lease_until: addMs(now, claimLeaseMs(s)), attempts: sql`attempts + 1` })
    .where((eb) => dueWhere(eb, '', at))
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Pushes back due alerts below red on channels in their quiet hours, to the end of the quiet time. */
async function holdQuiet(ctx: AppContext, channels: ChannelRow[], now: Date): Promise<void> {
  for (const c of channels) {
    if (!c.quiet_hours) continue;
    const q = readJson(quietHoursJson, c.quiet_hours, null);
    const until = q ? quietUntil(q, now) : null;
    if (!until) continue;
    await ctx.db.kysely
      .updateTable('alerts')
      .set({ next_attempt_at: until.toISOString() })
      .where('channel_id', '=', c.id)
      .where('status', '=', 'pending')
      .where('level', '!=', 'red')
      .where('next_attempt_at', '<', until.toISOString())
      .execute();
  }
}

async function logAttempt(ctx: AppContext, alertId: number, at: string, r: SendResult, ms: number) {
  await ctx.db.kysely
    .insertInto('alert_attempts')
    .values({
      alert_id: alertId,
      at,
      ok: r.ok ? 1 : 0,
      status_code: r.status,
      snippet: r.snippet ? r.snippet.slice(0, 1000) : null,
      error: r.ok ? null : `${r.failure ?? 'error'}: ${r.error ?? ''}`.slice(0, 1000),
      duration_ms: Math.round(ms),
    })
    .execute();
}

const FOLDABLE = new Set(['post', 'event', 'case.deadline', 'case.overdue', 'source.failing']);

/** Sorts one channel's claimed alerts into those sent one by one and those folded into a digest. */
async function planFolding(ctx: AppContext, channel: ChannelRow, claimed: AlertRow[], now: Date, s: AlertSettings) {
  const since = new Date(now.getTime() - s.digestWindowMinutes * 60_000).toISOString();
  const recent = await ctx.db.kysely
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('channel_id', '=', channel.id)
    .where('sent_at', '>=', since)
    .where('digest_id', 'is', null)
    .executeTakeFirstOrThrow();
  let allowance = Math.max(0, s.digestThreshold - Number(recent.n));
  const ordered = [...claimed].sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.id - b.id);
  const personal = isPersonalChannel(channel);
  const single: AlertRow[] = [];
  const fold: AlertRow[] = [];
  for (const a of ordered) {
    // Red always goes on its own; so does anything that is not an ordinary notice, and what a
    // personal channel carries (each person's own flood limit holds it back: recipients.ts).
    if (a.level === 'red' || !FOLDABLE.has(a.kind) || personal || allowance > 0) {
      single.push(a);
      if (a.level !== 'red') allowance--;
    } else fold.push(a);
  }
  // A lone alert over the allowance waits for the next digest slot, so that the alerts of a flood
  // arriving one per round (each post analysed and delivered on its own, as workers do) fold
  // together there; one already held to its slot goes alone (nothing else came).
  const hold: AlertRow[] = [];
  if (fold.length === 1) {
    const a = fold.pop()!;
    if (a.status === 'pending' && a.next_attempt_at !== null && !onDigestSlot(a.next_attempt_at)) hold.push(a);
    else single.push(a);
  }
  return { single: single.sort((a, b) => a.id - b.id), fold, hold };
}

/**
 * Over a channel's allowance, lone alerts are held to the next multiple of DIGEST_SLOT_MS (UTC),
 * the same instant for every process, where a round finds them together and folds them: the
 * same digests whether one process analyses a burst in one round or workers deliver post by
 * post (issue 23). Red is never held.
 */
export const DIGEST_SLOT_MS = 30_000;

export function nextDigestSlot(now: Date): Date {
  return new Date((Math.floor(now.getTime() / DIGEST_SLOT_MS) + 1) * DIGEST_SLOT_MS);
}

function onDigestSlot(at: string): boolean {
  return Date.parse(at) % DIGEST_SLOT_MS === 0;
}

/** Moves lone over-allowance alerts to the next digest slot, unless another process took them meanwhile (compare-and-set). */
async function holdForDigest(ctx: AppContext, alerts: AlertRow[], now: Date): Promise<void> {
  const slot = nextDigestSlot(now).toISOString();
  for (const a of alerts) {
    await ctx.db.kysely
      .updateTable('alerts')
      .set({ next_attempt_at: slot })
      .where('id', '=', a.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', a.next_attempt_at!)
      .execute();
  }
}

/**
 * Folds due alerts into one digest alert, claimed by this run. Only the alerts still due when the
 * transaction runs are folded (another process may have taken some); with fewer than two left,
 * nothing is folded and null is returned.
 */
async function createDigest(ctx: AppContext, channel: ChannelRow, fold: AlertRow[], token: string, now: Date, s: AlertSettings): Promise<{ digest: AlertRow; folded: number } | null> {
  const at = now.toISOString();
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('alerts')
      .select(['id', 'level', 'status'])
      .where('id', 'in', fold.map((a) => a.id))
      .where((eb) => dueWhere(eb, '', at))
      .$if(ctx.db.kind === 'postgres', (q) => q.forUpdate().skipLocked())
      .execute();
    if (taken.length < 2) return null;
    const top = RISK_LEVELS[Math.max(...taken.map((a) => levelRank(a.level)))];
    const digest = await trx
      .insertInto('alerts')
      .values({
        idempotency_key: `digest|ch${channel.id}|${taken.map((a) => a.id).join(',')}`.slice(0, 900),
        matter_key: null,
        channel_id: channel.id,
        department_id: channel.department_id,
        kind: 'digest',
        level: top,
        title: t('alert.digest.title', { count: taken.length }),
        body: t('alert.digest.body', { minutes: s.digestWindowMinutes }),
        status: 'sending',
        attempts: 1,
        next_attempt_at: at,
        claim_token: token,
        lease_until: addMs(now, claimLeaseMs(s)),
        created_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await moveAlerts(trx, taken, 'fold').set({ digest_id: digest.id, claim_token: null, lease_until: null }).execute();
    return { digest, folded: taken.length };
  });
}

/** Switches a channel off after its failure streak, and tells the office through its other channels. */
async function disableChannel(ctx: AppContext, channel: ChannelRow, streak: number, r: SendResult, now: Date) {
  const reason = `${r.failure ?? 'error'}: ${r.error ?? ''}`.slice(0, 500);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('channels')
      .set({ enabled: 0, disabled_reason: reason, disabled_at: now.toISOString(), updated_at: now.toISOString() })
      .where('id', '=', channel.id)
      .where('enabled', '=', 1)
      .returning('id')
      .executeTakeFirst();
    if (!done) return;
    await enqueueNotice(trx, {
      kind: 'channel.disabled',
      key: `channel.disabled:${channel.id}:${now.toISOString()}`,
      level: 'orange',
      title: t('alert.channelDisabled.title', { name: channel.name }),
      body: t('alert.channelDisabled.body', {
        name: channel.name,
        kind: channel.kind,
        count: streak,
        error: `${t(`alert.failure.${r.failure ?? 'server'}`)}（${r.error ?? ''}）`,
      }),
      departmentId: null,
      officeOnly: true,
    });
  });
  ctx.log.warn({ channel: channel.name, streak, reason }, 'channel switched off after repeated failures');
}

/** Delivers one message and records the outcome on its alert(s) and on the channel. Returns false when the channel should stop for this run. */
async function deliverOne(ctx: AppContext, channel: ChannelRow, a: AlertRow, token: string, now: () => Date, s: AlertSettings, report: DeliveryReport, link: { base: string; secret: string }): Promise<boolean> {
  const db = ctx.db.kysely;
  const started = performance.now();
  let result: SendResult;
  const resolved = resolveChannelConfig(channel, process.env);
  if (!resolved.ok) {
    result = { ok: false, status: null, snippet: '', failure: 'config', error: resolved.error };
  } else {
    let message: Awaited<ReturnType<typeof buildMessage>> | null = null;
    try {
      message = await buildMessage(db, a, link);
      result = await resolved.provider.send(resolved.config, message, { timeoutMs: s.timeoutSeconds * 1000, outbound: outboundPolicyOf(ctx), env: process.env, bus: ctx.bus });
    } catch (err) {
      // A message that cannot be built concerns this alert only; a provider that throws, the channel.
      result = { ok: false, status: null, snippet: '', failure: message ? 'server' : 'rejected', error: (err as Error).message };
    }
  }
  const at = now();
  const iso = at.toISOString();
  await logAttempt(ctx, a.id, iso, result, performance.now() - started);
  if (result.ok) {
    await moveAlerts(db, [a], 'deliver').set({ sent_at: iso, last_error: null, claim_token: null, lease_until: null }).where('claim_token', '=', token).execute();
    if (a.kind === 'digest') await db.updateTable('alerts').set({ sent_at: iso }).where('digest_id', '=', a.id).execute();
    await db.updateTable('channels').set({ failure_streak: 0, retry_at: null, last_success_at: iso }).where('id', '=', channel.id).execute();
    report.sent++;
    return true;
  }
  report.failed++;
  const lastError = `${result.failure}: ${result.error ?? ''}`.slice(0, 1000);
  ctx.log.warn({ channel: channel.name, alert: a.id, failure: result.failure, error: result.error, status: result.status }, 'alert delivery failed');
  if (result.failure === 'rejected') {
    const giveUp = a.attempts >= s.maxAttempts;
    await moveAlerts(db, [a], giveUp ? 'giveUp' : 'retry')
      .set({ next_attempt_at: addMs(at, backoffMs(a.attempts, s)), last_error: lastError, claim_token: null, lease_until: null })
      .where('claim_token', '=', token)
      .execute();
    await db.updateTable('channels').set({ last_failure_at: iso, last_error: lastError }).where('id', '=', channel.id).execute();
    return true;
  }
  // The channel as a whole failed: hold all of its alerts until it may be tried again.
  const counts = result.failure !== 'rate_limit';
  const updated = await db
    .updateTable('channels')
    .set({ failure_streak: counts ? sql`failure_streak + 1` : sql`failure_streak`, last_failure_at: iso, last_error: lastError })
    .where('id', '=', channel.id)
    .returning('failure_streak')
    .executeTakeFirstOrThrow();
  const streak = Number(updated.failure_streak);
  const wait = result.failure === 'rate_limit' ? Math.max(result.retryAfterMs ?? 0, backoffMs(1, s)) : Math.max(result.retryAfterMs ?? 0, backoffMs(streak, s));
  const retryAt = addMs(at, wait);
  await db.updateTable('channels').set({ retry_at: retryAt }).where('id', '=', channel.id).execute();
  await moveAlerts(db, [a], 'retry').set({ next_attempt_at: retryAt, last_error: lastError, claim_token: null, lease_until: null }).where('claim_token', '=', token).execute();
  if (counts && streak >= s.failureStreakLimit) await disableChannel(ctx, channel, streak, result, at);
  return false;
}

/**
 * One delivery round: holds alerts in quiet hours, finds what is due, folds floods into digests,
 * and sends (channels in parallel, each channel in order), claiming each alert just before its
 * send, logging every attempt and backing off. `more` says the round stopped at its limit.
 */
export async function deliverDue(ctx: AppContext, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const now = opts.now ?? (() => new Date());
  const limit = opts.limit ?? 500;
  const s = await loadAlertSettings(ctx.db.kysely);
  const report: DeliveryReport = { claimed: 0, sent: 0, failed: 0, digested: 0, more: false };
  const channels = await ctx.db.kysely.selectFrom('channels').selectAll().where('enabled', '=', 1).execute();
  if (!channels.length) return report;
  await holdQuiet(ctx, channels, now());
  const due = await dueAlerts(ctx, now(), limit);
  report.more = due.length >= limit;
  if (!due.length) return report;
  const token = randomUUID();
  const link = { base: publicBase(ctx.config), secret: await linkSecret(ctx.db.kysely, ctx.config) };
  const byChannel = new Map<number, AlertRow[]>();
  for (const a of due) byChannel.set(a.channel_id, [...(byChannel.get(a.channel_id) ?? []), a]);
  await Promise.all(
    [...byChannel.entries()].map(async ([channelId, alerts]) => {
      const channel = channels.find((c) => c.id === channelId);
      if (!channel) return;
      const plan = await planFolding(ctx, channel, alerts, now(), s);
      if (plan.hold.length) await holdForDigest(ctx, plan.hold, now());
      const queue: (AlertRow | { digest: AlertRow })[] = [...plan.single];
      if (plan.fold.length) {
        const d = await createDigest(ctx, channel, plan.fold, token, now(), s);
        if (d) {
          queue.push({ digest: d.digest });
          report.digested += d.folded;
          report.claimed += d.folded;
        }
      }
      for (const next of queue) {
        const a = 'digest' in next ? next.digest : await claimOne(ctx, next, token, now(), s);
        if (!a) continue; // another process took it
        if (!('digest' in next)) report.claimed++;
        if (!(await deliverOne(ctx, channel, a, token, now, s, report, link))) break;
      }
    }),
  );
  return report;
}
