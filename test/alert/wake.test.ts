import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DELIVERY_WAKE, enqueueNotice } from '../../src/alert/outbox.ts';
import { listenForWakes } from '../../src/alert/runner.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { assignCase } from '../../src/cases/workflow.ts';
import { onCommitSignal } from '../../src/db/after-commit.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, type AlertWorld } from './helpers.ts';
import { webhookReceiver } from './standins.ts';

/** Delivery is woken by the outbox itself, once, after the transaction that enqueued commits. */
for (const tdb of testDatabases) {
  describe(`waking delivery after commit [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let wakes: { at: number; alertsVisible: Promise<number> }[];
    let stop: () => void;
    const now = new Date().toISOString();
    const loose = () => w.db.kysely as unknown as Kysely<any>;
    const alertCount = async () => Number((await w.db.kysely.selectFrom('alerts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const triageCase = async () =>
      (
        await loose()
          .insertInto('cases')
          .values({ number: `2026-${Math.floor(Math.random() * 1e6)}`, year: 2026, seq: Math.floor(Math.random() * 1e6), title: '道路施工半年未完工', state: 'triage', level: 'orange', opened_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as number;

    beforeEach(async () => {
      w = await alertWorld(tdb);
      wakes = [];
      // What the alerts table shows from outside the transaction at the moment of the wake (a wake
      // after the test's end, from the delivery loop's own writes, finds the database gone: -1).
      stop = onCommitSignal(w.db.kysely, DELIVERY_WAKE, () => wakes.push({ at: Date.now(), alertsVisible: alertCount().catch(() => -1) }));
    });
    afterEach(async () => {
      stop();
      await w.drop();
    });

    test('a case assignment that enqueues notices wakes delivery once, after commit', async () => {
      await addChannel(w, { name: '建设科群', kind: 'inapp', department_id: w.departments.jsk });
      await addChannel(w, { name: '住房科群', kind: 'inapp', department_id: w.departments.zfk });
      const caseId = await triageCase();
      await assignCase(w.db.kysely, cliActor(), caseId, { lead_department_id: w.departments.jsk, assisting_department_ids: [w.departments.zfk] });
      assert.equal(await alertCount(), 2, 'lead and assisting department each told');
      assert.equal(wakes.length, 1, 'one wake for the transaction, however many notices it enqueued');
      assert.equal(await wakes[0].alertsVisible, 2, 'the wake comes after the commit: its alerts are visible');
    });

    test('the assignment notice goes out at once through a listening delivery loop (no periodic round)', async () => {
      const rx = await webhookReceiver('wake-secret');
      try {
        await addChannel(w, { name: '建设科接收端', kind: 'webhook', department_id: w.departments.jsk, config: { url: `${rx.url}/in`, secret: 'wake-secret' } });
        listenForWakes(w.ctx);
        await assignCase(w.db.kysely, cliActor(), await triageCase(), { lead_department_id: w.departments.jsk });
        const end = Date.now() + 5000;
        while (rx.received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        assert.equal(rx.received.length, 1);
      } finally {
        await rx.close();
      }
    });

    test('a rolled-back transaction wakes nothing', async () => {
      await addChannel(w, { name: '全部', kind: 'inapp' });
      await assert.rejects(
        w.db.kysely.transaction().execute(async (trx) => {
          const ids = await enqueueNotice(trx, { kind: 'post', key: 'rolled-back', level: 'orange', title: '预警', body: '正文', departmentId: null });
          assert.equal(ids.length, 1);
          throw new Error('analysis failed');
        }),
        /analysis failed/,
      );
      assert.equal(await alertCount(), 0);
      assert.equal(wakes.length, 0);
    });

    test('a notice enqueued outside a transaction wakes at once; one already sent wakes nothing', async () => {
      await addChannel(w, { name: '全部', kind: 'inapp' });
      const notice = { kind: 'post', key: 'outside', level: 'orange', title: '预警', body: '正文', departmentId: null } as const;
      await enqueueNotice(w.db.kysely, notice);
      assert.equal(wakes.length, 1);
      await enqueueNotice(w.db.kysely, notice);
      assert.equal(wakes.length, 1, 'nothing new in the outbox, nothing to wake');
    });
  });
}
