import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { AppContext } from '../context.ts';
import type { ChannelTable } from '../db/schema.ts';
import { fromJson, nowIso } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVELS } from '../levels.ts';
import { outboundPolicyOf } from '../outbound/policy.ts';
import type { SendResult } from './channels/base.ts';
import { resolveChannelConfig } from './channel-store.ts';
import { linkSecret, publicBase } from './links.ts';
import { buildMessage, type AlertRow } from './message.ts';
import { enqueueNotice } from './outbox.ts';
import { quietHoursSchema, quietUntil } from './quiet.ts';
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
}

/** Exponential backoff with jitter: base·2^(n−1), capped, then a random 50–100 % of it. */
export function backoffMs(n: number, s: Pick<AlertSettings, 'backoffBaseSeconds' | 'backoffMaxSeconds'>, random = Math.random): number {
  const cap = Math.min(s.backoffMaxSeconds * 1000, s.backoffBaseSeconds * 1000 * 2 ** Math.max(0, n - 1));
  return Math.round(cap * (0.5 + random() * 0.5));
}

const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms).toISOString();

/**
 * Claims due alerts atomically: pending and due, or sending with an expired lease (the process
 * that claimed them died). The claim token marks them as this run's; on PostgreSQL rows locked
 * by another worker's claim are skipped, and the repeated condition makes a row claimed at most
 * once at a time.
 */
async function claim(ctx: AppContext, token: string, now: Date, settings: AlertSettings, limit: number): Promise<AlertRow[]> {
  const db = ctx.db.kysely;
  const at = now.toISOString();
  const due = (eb: any, p: string) =>
    eb.or([
      eb.and([eb(`${p}status`, '=', 'pending'), eb(`${p}next_attempt_at`, '<=', at)]),
      eb.and([eb(`${p}status`, '=', 'sending'), eb(`${p}lease_until`, '<', at)]),
    ]);
  const candidates = db
    .selectFrom('alerts as a')
    .innerJoin('channels as c', 'c.id', 'a.channel_id')
    .select('a.id')
    .where('c.enabled', '=', 1)
    .where((eb) => eb.or([eb('c.retry_at', 'is', null), eb('c.retry_at', '<=', at)]))
    .where((eb) => due(eb, 'a.'))
    .orderBy('a.id')
    .limit(limit)
    .$if(ctx.db.kind === 'postgres', (q) => q.forUpdate(['a']).skipLocked());
  return db
    .updateTable('alerts')
    .set({ status: 'sending', claim_token: token, lease_until: addMs(now, settings.leaseSeconds * 1000), attempts: sql`attempts + 1` })
    .where('id', 'in', candidates)
    .where((eb) => due(eb, ''))
    .returningAll()
    .execute();
}

/** Pushes back due alerts below red on channels in their quiet hours, to the end of the quiet time. */
async function holdQuiet(ctx: AppContext, channels: ChannelRow[], now: Date): Promise<void> {
  for (const c of channels) {
    if (!c.quiet_hours) continue;
    const q = quietHoursSchema.safeParse(fromJson(c.quiet_hours, null));
    const until = q.success ? quietUntil(q.data, now) : null;
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
  const single: AlertRow[] = [];
  const fold: AlertRow[] = [];
  for (const a of ordered) {
    // Red always goes on its own; so does anything that is not an ordinary notice.
    if (a.level === 'red' || !FOLDABLE.has(a.kind) || allowance > 0) {
      single.push(a);
      if (a.level !== 'red') allowance--;
    } else fold.push(a);
  }
  if (fold.length === 1) single.push(fold.pop()!);
  return { single: single.sort((a, b) => a.id - b.id), fold };
}

/** Writes the digest alert (claimed by this run) and marks the folded alerts. */
async function createDigest(ctx: AppContext, channel: ChannelRow, fold: AlertRow[], token: string, now: Date, s: AlertSettings): Promise<AlertRow> {
  const top = RISK_LEVELS[Math.max(...fold.map((a) => levelRank(a.level)))];
  const at = now.toISOString();
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const digest = await trx
      .insertInto('alerts')
      .values({
        idempotency_key: `digest|ch${channel.id}|${fold.map((a) => a.id).join(',')}`.slice(0, 900),
        matter_key: null,
        channel_id: channel.id,
        department_id: channel.department_id,
        kind: 'digest',
        level: top,
        title: t('alert.digest.title', { count: fold.length }),
        body: t('alert.digest.body', { minutes: s.digestWindowMinutes }),
        status: 'sending',
        attempts: 1,
        next_attempt_at: at,
        claim_token: token,
        lease_until: addMs(now, s.leaseSeconds * 1000),
        created_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('alerts')
      .set({ status: 'digested', digest_id: digest.id, claim_token: null, lease_until: null })
      .where('id', 'in', fold.map((a) => a.id))
      .where('claim_token', '=', token)
      .execute();
    return digest;
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
    await db
      .updateTable('alerts')
      .set({ status: 'sent', sent_at: iso, last_error: null, claim_token: null, lease_until: null })
      .where('id', '=', a.id)
      .where('claim_token', '=', token)
      .execute();
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
    await db
      .updateTable('alerts')
      .set({ status: giveUp ? 'failed' : 'pending', next_attempt_at: addMs(at, backoffMs(a.attempts, s)), last_error: lastError, claim_token: null, lease_until: null })
      .where('id', '=', a.id)
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
  await db
    .updateTable('alerts')
    .set({ status: 'pending', next_attempt_at: retryAt, last_error: lastError, claim_token: null, lease_until: null })
    .where('id', '=', a.id)
    .where('claim_token', '=', token)
    .execute();
  if (counts && streak >= s.failureStreakLimit) await disableChannel(ctx, channel, streak, result, at);
  return false;
}

/** Puts claimed alerts that were not attempted back, without counting an attempt. */
async function release(ctx: AppContext, ids: number[], token: string) {
  if (!ids.length) return;
  const ch = await ctx.db.kysely.selectFrom('alerts').innerJoin('channels', 'channels.id', 'alerts.channel_id').select(['alerts.id', 'channels.retry_at']).where('alerts.id', 'in', ids).execute();
  for (const r of ch) {
    await ctx.db.kysely
      .updateTable('alerts')
      .set({ status: 'pending', attempts: sql`attempts - 1`, claim_token: null, lease_until: null, ...(r.retry_at ? { next_attempt_at: r.retry_at } : {}) })
      .where('id', '=', r.id)
      .where('claim_token', '=', token)
      .execute();
  }
}

/**
 * One delivery round: holds alerts in quiet hours, claims what is due, folds floods into
 * digests, sends (channels in parallel, each channel in order), logs every attempt, backs off.
 */
export async function deliverDue(ctx: AppContext, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const now = opts.now ?? (() => new Date());
  const s = await loadAlertSettings(ctx.db.kysely);
  const report: DeliveryReport = { claimed: 0, sent: 0, failed: 0, digested: 0 };
  const channels = await ctx.db.kysely.selectFrom('channels').selectAll().where('enabled', '=', 1).execute();
  if (!channels.length) return report;
  await holdQuiet(ctx, channels, now());
  const token = randomUUID();
  const claimed = await claim(ctx, token, now(), s, opts.limit ?? 500);
  report.claimed = claimed.length;
  if (!claimed.length) return report;
  const link = { base: publicBase(ctx.config), secret: await linkSecret(ctx.db.kysely, ctx.config) };
  const byChannel = new Map<number, AlertRow[]>();
  for (const a of claimed) byChannel.set(a.channel_id, [...(byChannel.get(a.channel_id) ?? []), a]);
  await Promise.all(
    [...byChannel.entries()].map(async ([channelId, alerts]) => {
      const channel = channels.find((c) => c.id === channelId);
      if (!channel) return release(ctx, alerts.map((a) => a.id), token);
      const plan = await planFolding(ctx, channel, alerts, now(), s);
      const queue = [...plan.single];
      if (plan.fold.length) {
        queue.push(await createDigest(ctx, channel, plan.fold, token, now(), s));
        report.digested += plan.fold.length;
      }
      for (let i = 0; i < queue.length; i++) {
        const go = await deliverOne(ctx, channel, queue[i], token, now, s, report, link);
        if (!go) {
          await release(ctx, queue.slice(i + 1).map((a) => a.id), token);
          break;
        }
      }
    }),
  );
  return report;
}

export const DELIVERY_WAKE = 'alert.wake';

/** Asks the running delivery loop (if any in this process) to look for new alerts now. Call after commit. */
export function requestDelivery(ctx: AppContext): void {
  ctx.bus.emit(DELIVERY_WAKE);
}
