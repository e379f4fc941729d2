import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { deliverDue, backoffMs } from '../../src/alert/delivery.ts';
import { enqueueNotice } from '../../src/alert/outbox.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { createContext } from '../../src/context.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, enqueue, plus, type AlertWorld } from './helpers.ts';
import { webhookReceiver } from './standins.ts';

for (const tdb of testDatabases) {
  describe(`alert delivery [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let rx: Awaited<ReturnType<typeof webhookReceiver>>;
    let channelId: number;
    beforeEach(async () => {
      w = await alertWorld(tdb);
      rx = await webhookReceiver('rx-secret-123');
      channelId = (await addChannel(w, { name: '办公室接收端', kind: 'webhook', config: { url: `${rx.url}/in`, secret: 'rx-secret-123' } })).id;
    });
    afterEach(async () => {
      await rx.close();
      await w.drop();
    });

    test('an alert written in the caller transaction is delivered once, with every attempt logged', async () => {
      const [id] = await enqueue(w, { key: 'post:1|rule:漏水' });
      const r = await deliverDue(w.ctx);
      assert.equal(r.sent, 1);
      assert.equal(rx.received.length, 1);
      assert.equal(rx.received[0].idempotencyKey, `post:1|rule:漏水|ch${channelId}`);
      const row = await w.db.kysely.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'sent');
      assert.ok(row.sent_at);
      const attempts = await w.db.kysely.selectFrom('alert_attempts').selectAll().where('alert_id', '=', id).execute();
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0].ok, 1);
      assert.equal(attempts[0].status_code, 202);
      assert.match(attempts[0].snippet ?? '', /accepted/);
      assert.equal((await deliverDue(w.ctx)).claimed, 0, 'nothing is sent twice');
      assert.equal(rx.received.length, 1);
    });

    test('a notice with an attachment (a report brief) carries its download link', async () => {
      const file = await w.db.kysely
        .insertInto('attachments')
        .values({ owner_type: 'report', owner_id: 1, filename: '舆情日报-2026-11-24.docx', mime: 'application/octet-stream', size: 3, data: Buffer.from('doc'), created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enqueue(w, { key: 'report.daily:2026-11-24', kind: 'report', level: 'blue', attachmentId: file.id });
      await deliverDue(w.ctx);
      const msg = rx.received[0];
      assert.equal(msg.attachment.url, `https://yq.example.gov.cn/api/attachments/${file.id}`);
      assert.equal(msg.attachment.filename, '舆情日报-2026-11-24.docx');
      assert.ok(msg.links.some((l: { url: string; label: string }) => l.url === msg.attachment.url && l.label.includes('舆情日报')));
    });

    test('a rolled-back transaction leaves no alert; the same matter never gets a second alert', async () => {
      await assert.rejects(
        w.db.kysely.transaction().execute(async (trx) => {
          await enqueueNotice(trx, { kind: 'post', key: 'post:9|level', level: 'red', title: 't', body: 'b', departmentId: null });
          throw new Error('analysis failed');
        }),
      );
      assert.equal((await w.db.kysely.selectFrom('alerts').selectAll().execute()).length, 0);
      assert.equal((await enqueue(w, { key: 'post:9|level' })).length, 1);
      assert.equal((await enqueue(w, { key: 'post:9|level' })).length, 0);
    });

    test('a receiver down for 10 minutes gets everything, each once, after it comes back', async () => {
      for (let i = 0; i < 3; i++) await enqueue(w, { key: `post:${i}|rule:r` });
      const t0 = new Date();
      rx.mode = 'down';
      const first = await deliverDue(w.ctx, { now: () => t0 });
      assert.equal(first.failed, 1, 'the channel stops at the first failure');
      const ch = await w.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow();
      assert.equal(ch.failure_streak, 1);
      assert.ok(ch.retry_at! > t0.toISOString(), 'backoff: not tried again at once');
      assert.equal((await deliverDue(w.ctx, { now: () => plus(t0, 1000) })).claimed, 0);
      // Down for ten minutes: retried with growing gaps.
      let clock = t0;
      while (clock.getTime() < t0.getTime() + 10 * 60_000) {
        clock = plus(clock, 60_000);
        await deliverDue(w.ctx, { now: () => clock });
      }
      assert.equal(rx.received.length, 0);
      const streak = (await w.db.kysely.selectFrom('channels').select(['failure_streak', 'enabled']).where('id', '=', channelId).executeTakeFirstOrThrow());
      assert.ok(streak.failure_streak >= 2 && streak.failure_streak < 10, `streak ${streak.failure_streak}`);
      assert.equal(streak.enabled, 1);
      rx.mode = 'ok';
      await deliverDue(w.ctx, { now: () => plus(clock, 31 * 60_000) });
      assert.equal(rx.received.length, 3);
      assert.deepEqual([...rx.deliveriesPerKey.values()], [1, 1, 1]);
      const statuses = await w.db.kysely.selectFrom('alerts').select('status').execute();
      assert.ok(statuses.every((s) => s.status === 'sent'));
      const after = await w.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow();
      assert.equal(after.failure_streak, 0);
      assert.equal(after.retry_at, null);
    });

    test('a rate-limit answer holds the channel for the time the service asks', async () => {
      await enqueue(w, { key: 'post:5|rule:r' });
      rx.mode = 'rate_limit';
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      const ch = await w.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow();
      assert.ok(Date.parse(ch.retry_at!) - t0.getTime() >= 30_000, 'Retry-After: 30 honoured');
      assert.equal(ch.failure_streak, 0, 'a rate limit is not a failure of the channel');
      const attempt = await w.db.kysely.selectFrom('alert_attempts').selectAll().executeTakeFirstOrThrow();
      assert.match(attempt.error ?? '', /rate_limit/);
      rx.mode = 'ok';
      assert.equal((await deliverDue(w.ctx, { now: () => plus(t0, 10_000) })).claimed, 0);
      assert.equal((await deliverDue(w.ctx, { now: () => plus(t0, 31_000) })).sent, 1);
    });

    test('a channel that keeps failing is switched off with its reason and the office is told in-app', async () => {
      await saveAlertSettings(w.db.kysely, { failureStreakLimit: 3 });
      const inapp = await addChannel(w, { name: '控制台', kind: 'inapp', config: {} });
      await w.db.kysely.updateTable('channels').set({ config: JSON.stringify({ url: `${rx.url}/in`, secret: 'wrong-secret-xyz' }) }).where('id', '=', channelId).execute();
      await enqueue(w, { key: 'post:7|rule:r' });
      let clock = new Date();
      for (let i = 0; i < 6; i++) {
        await deliverDue(w.ctx, { now: () => clock });
        clock = plus(clock, 3600_000);
      }
      const ch = await w.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow();
      assert.equal(ch.enabled, 0);
      assert.match(ch.disabled_reason ?? '', /signature/);
      assert.equal(ch.failure_streak, 3);
      const notice = await w.db.kysely.selectFrom('alerts').selectAll().where('kind', '=', 'channel.disabled').execute();
      assert.equal(notice.length, 1);
      assert.equal(notice[0].channel_id, inapp.id);
      assert.equal(notice[0].status, 'sent');
      assert.match(notice[0].title, /办公室接收端/);
      // The alert itself still waits for the channel to be repaired.
      const waiting = await w.db.kysely.selectFrom('alerts').select('status').where('channel_id', '=', channelId).executeTakeFirstOrThrow();
      assert.equal(waiting.status, 'pending');
    });

    test('a message the service refuses is retried with backoff, then given up, without switching the channel off', async () => {
      await saveAlertSettings(w.db.kysely, { maxAttempts: 2, failureStreakLimit: 2 });
      const [id] = await enqueue(w, { key: 'post:8|rule:r' });
      rx.mode = 'reject';
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      let row = await w.db.kysely.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.ok(Date.parse(row.next_attempt_at!) >= t0.getTime() + 15_000, 'backed off');
      assert.match(row.last_error ?? '', /rejected: HTTP 400/);
      await deliverDue(w.ctx, { now: () => plus(t0, 3600_000) });
      row = await w.db.kysely.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 2);
      const ch = await w.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow();
      assert.equal(ch.enabled, 1);
      assert.equal(ch.failure_streak, 0);
      const attempts = await w.db.kysely.selectFrom('alert_attempts').selectAll().where('alert_id', '=', id).execute();
      assert.equal(attempts.length, 2);
      assert.match(attempts[0].snippet ?? '', /payload not understood/);
    });

    test('floods are folded into one digest per channel; red still goes on its own', async () => {
      await saveAlertSettings(w.db.kysely, { digestThreshold: 3, digestWindowMinutes: 10 });
      for (let i = 0; i < 8; i++) await enqueue(w, { key: `post:${100 + i}|rule:r`, level: 'yellow', postId: null });
      await enqueue(w, { key: 'post:200|rule:r', level: 'red' });
      const r = await deliverDue(w.ctx);
      assert.equal(r.digested, 5);
      const kinds = rx.received.map((m) => m.kind);
      assert.deepEqual(kinds.sort(), ['alert', 'alert', 'alert', 'alert', 'digest'].sort());
      assert.ok(rx.received.some((m) => m.level === 'red' && m.kind === 'alert'));
      const digest = rx.received.find((m) => m.kind === 'digest');
      assert.equal(digest.items.length, 5);
      assert.match(digest.title, /5 条/);
      const folded = await w.db.kysely.selectFrom('alerts').selectAll().where('status', '=', 'digested').execute();
      assert.equal(folded.length, 5);
      assert.ok(folded.every((f) => f.sent_at && f.digest_id));
      // Within the window, the next flood goes straight into a digest.
      for (let i = 0; i < 2; i++) await enqueue(w, { key: `post:${300 + i}|rule:r`, level: 'yellow' });
      await deliverDue(w.ctx);
      assert.equal(rx.received.filter((m) => m.kind === 'digest').length, 2);
    });

    test('quiet hours hold alerts below red until they end; red goes at once', async () => {
      // 22:00–07:00 Beijing = 14:00–23:00 UTC. 15:00 UTC is inside.
      await w.db.kysely.updateTable('channels').set({ quiet_hours: JSON.stringify({ start: '22:00', end: '07:00', timezone: 'Asia/Shanghai' }) }).where('id', '=', channelId).execute();
      await enqueue(w, { key: 'post:1|rule:r', level: 'orange' });
      await enqueue(w, { key: 'post:2|rule:r', level: 'red' });
      const night = new Date('2026-11-24T15:00:00Z');
      await w.db.kysely.updateTable('alerts').set({ next_attempt_at: night.toISOString() }).execute();
      const r = await deliverDue(w.ctx, { now: () => night });
      assert.equal(r.sent, 1);
      assert.equal(rx.received[0].level, 'red');
      const held = await w.db.kysely.selectFrom('alerts').selectAll().where('level', '=', 'orange').executeTakeFirstOrThrow();
      assert.equal(held.status, 'pending');
      assert.equal(held.next_attempt_at, '2026-11-24T23:00:00.000Z', 'held until 07:00 Beijing time');
      assert.equal((await deliverDue(w.ctx, { now: () => new Date('2026-11-24T22:59:00Z') })).claimed, 0);
      assert.equal((await deliverDue(w.ctx, { now: () => new Date('2026-11-24T23:00:01Z') })).sent, 1);
      assert.equal(rx.received.length, 2);
    });

    test('an alert whose sender died is taken over when its lease runs out; the repeat carries the same key', async () => {
      await saveAlertSettings(w.db.kysely, { leaseSeconds: 60 });
      const [id] = await enqueue(w, { key: 'post:77|rule:r' });
      const t0 = new Date();
      // A process claimed it, sent it, and died before recording the success.
      await w.db.kysely.updateTable('alerts').set({ status: 'sending', claim_token: 'dead-process', lease_until: plus(t0, 60_000).toISOString(), attempts: 1 }).where('id', '=', id).execute();
      await deliverDue(w.ctx, { now: () => plus(t0, 30_000) });
      assert.equal(rx.received.length, 0, 'not taken while the lease holds');
      await deliverDue(w.ctx, { now: () => plus(t0, 61_000) });
      assert.equal(rx.received.length, 1);
      const row = await w.db.kysely.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 2);
    });

    test('two delivery processes never send the same alert twice', async () => {
      for (let i = 0; i < 30; i++) await enqueue(w, { key: `post:${i}|rule:r`, level: 'red' });
      const other = await openDatabase(w.url);
      try {
        const ctx2 = createContext(other, w.ctx.config, w.ctx.log);
        await Promise.all([deliverDue(w.ctx, { limit: 10 }), deliverDue(ctx2, { limit: 10 }), deliverDue(w.ctx, { limit: 10 }), deliverDue(ctx2, { limit: 10 })]);
        while ((await deliverDue(w.ctx)).claimed > 0);
      } finally {
        await other.close();
      }
      assert.equal(rx.received.length, 30);
      assert.ok([...rx.deliveriesPerKey.values()].every((n) => n === 1), 'each alert reached the receiver exactly once');
    });
  });
}

describe('backoff', () => {
  test('grows exponentially, is capped, and is jittered', () => {
    const s = { backoffBaseSeconds: 30, backoffMaxSeconds: 1800 };
    assert.equal(backoffMs(1, s, () => 1), 30_000);
    assert.equal(backoffMs(3, s, () => 1), 120_000);
    assert.equal(backoffMs(20, s, () => 1), 1_800_000);
    assert.equal(backoffMs(3, s, () => 0), 60_000);
  });
});

