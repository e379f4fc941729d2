import type { AppContext } from '../context.ts';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import { onCommitSignal } from '../db/after-commit.ts';
import { deliverDue, type DeliveryReport } from './delivery.ts';
import { DELIVERY_WAKE } from './outbox.ts';
import { flushPersonalDigests } from './digests.ts';
import { escalateUnacknowledged } from './escalation.ts';

interface LoopState {
  running: Promise<void> | null;
  again: boolean;
}
const loops = new WeakMap<AppContext, LoopState>();
const listening = new WeakSet<AppContext>();

/**
 * Runs delivery rounds in this process one at a time; a wake during a round asks for one more
 * round right after it, so nothing enqueued meanwhile waits for the next tick.
 */
export function runDelivery(ctx: AppContext): Promise<void> {
  let st = loops.get(ctx);
  if (!st) loops.set(ctx, (st = { running: null, again: false }));
  const state = st;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    try {
      do {
        state.again = false;
        let r: DeliveryReport;
        do r = await deliverDue(ctx);
        while (r.more);
      } while (state.again);
    } finally {
      state.running = null;
    }
  })();
  return state.running;
}

/**
 * Lets a committed alert start a round at once: `enqueueNotice` (and re-enabling a channel) wakes
 * delivery after its transaction commits, on this process's database (`wakeDeliveryAfterCommit`).
 */
export function listenForWakes(ctx: AppContext): void {
  if (listening.has(ctx)) return;
  listening.add(ctx);
  onCommitSignal(ctx.db.kysely, DELIVERY_WAKE, () => {
    runDelivery(ctx).catch((err) => ctx.log.warn({ err }, 'alert delivery round failed'));
  });
}

/**
 * Delivery runs on a timer in every process (not as a queued singleton job): each alert is
 * claimed with a short lease just before its send, so concurrent rounds never send one twice,
 * and a crashed process holds back at most the alert it was sending, for one lease. A queued
 * job would hold the whole next round until the dead job expired.
 */
export const deliveryTask: PeriodicTask = {
  name: 'alert.delivery',
  intervalMs: 5000,
  local: true,
  async run(ctx) {
    listenForWakes(ctx);
    await runDelivery(ctx);
  },
};

/** Local too: escalating a matter is one transaction guarded by its idempotency key, safe to race. */
export const escalationTask: PeriodicTask = {
  name: 'alert.escalation',
  intervalMs: 60_000,
  local: true,
  async run(ctx) {
    await escalateUnacknowledged(ctx);
  },
};

/** Local as well: each person's digest is written once (its key names the person and its newest alert). */
export const digestTask: PeriodicTask = {
  name: 'alert.digests',
  intervalMs: 60_000,
  local: true,
  async run(ctx) {
    await flushPersonalDigests(ctx);
  },
};

/** The alert room's periodic work besides delivery and escalation, at a given time (benches, one-shot commands). */
export async function alertPeriodicWork(ctx: AppContext, now: Date = new Date()): Promise<void> {
  await flushPersonalDigests(ctx, now);
}

/** Delivers everything due now (for one-shot commands such as `collect --once`) and says what happened. */
export async function deliverPendingNow(ctx: AppContext): Promise<{ sent: number; failed: number; waiting: number }> {
  let sent = 0;
  let failed = 0;
  for (;;) {
    const r = await deliverDue(ctx);
    sent += r.sent;
    failed += r.failed;
    if (!r.more) break;
  }
  const left = await ctx.db.kysely.selectFrom('alerts').select((eb) => eb.fn.countAll<string | number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
  return { sent, failed, waiting: Number(left.n) };
}
