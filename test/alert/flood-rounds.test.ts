import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { deliverDue, DIGEST_SLOT_MS, nextDigestSlot } from '../../src/alert/delivery.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, enqueue, plus, type AlertWorld } from './helpers.ts';
import { webhookReceiver } from './standins.ts';

// Issue 23: a flood delivered post by post (as workers do, one alert per round) folds into a digest
// as one delivered in one round does, so both modes send the same number of messages.
for (const tdb of testDatabases) {
  describe(`flood control, one alert per round [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let rx: Awaited<ReturnType<typeof webhookReceiver>>;
    beforeEach(async () => {
      w = await alertWorld(tdb);
      rx = await webhookReceiver('rx-secret-123');
      await addChannel(w, { name: '办公室接收端', kind: 'webhook', config: { url: `${rx.url}/in`, secret: 'rx-secret-123' } });
      await saveAlertSettings(w.db.kysely, { digestThreshold: 3, digestWindowMinutes: 10 });
    });
    afterEach(async () => {
      await rx.close();
      await w.drop();
    });

    /** An alert due at `due`, then one delivery round at `due` + 100 ms. */
    async function arrive(key: string, due: Date, level: 'yellow' | 'red' = 'yellow') {
      const [id] = await enqueue(w, { key, level, postId: null });
      await w.db.kysely.updateTable('alerts').set({ next_attempt_at: due.toISOString(), created_at: due.toISOString() }).where('id', '=', id).execute();
      return deliverDue(w.ctx, { now: () => plus(due, 100) });
    }

    test('over the threshold, alerts arriving one per round wait for the digest slot and go as one digest', async () => {
      const slot0 = nextDigestSlot(new Date());
      const base = plus(slot0, 1000);
      for (let i = 0; i < 9; i++) await arrive(`post:${i}|rule:r`, plus(base, i * 1000));
      // three within the allowance went at once; six wait (red would not)
      assert.deepEqual(rx.received.map((m) => m.kind), ['alert', 'alert', 'alert']);
      await arrive('post:99|rule:r', plus(base, 9_500), 'red');
      assert.equal(rx.received.length, 4);
      const slot1 = plus(slot0, DIGEST_SLOT_MS);
      const held = await w.db.kysely.selectFrom('alerts').select(['next_attempt_at']).where('status', '=', 'pending').execute();
      assert.equal(held.length, 6);
      assert.ok(held.every((h) => h.next_attempt_at === slot1.toISOString()), JSON.stringify(held));

      const r = await deliverDue(w.ctx, { now: () => plus(slot1, 100) });
      assert.equal(r.digested, 6);
      const digest = rx.received.filter((m) => m.kind === 'digest');
      assert.equal(digest.length, 1);
      assert.equal(digest[0].items.length, 6);
      assert.equal(rx.received.length, 5);

      // a lone alert held to its slot, with nothing else arriving, then goes on its own
      await arrive('post:50|rule:r', plus(slot1, 2000));
      assert.equal(rx.received.length, 5);
      await deliverDue(w.ctx, { now: () => plus(slot1, DIGEST_SLOT_MS + 100) });
      assert.equal(rx.received.length, 6);
      assert.equal(rx.received[5].kind, 'alert');
    });
  });
}
