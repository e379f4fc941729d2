import assert from 'node:assert/strict';
import type { Kysely, Transaction } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { afterCommit, onCommitSignal, signalAfterCommit } from '../../src/db/after-commit.ts';
import type { Db } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/schema.ts';
import { nowIso } from '../../src/db/values.ts';
import { testDatabases } from '../helpers/db.ts';

for (const tdb of testDatabases) {
  describe(`afterCommit [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => ({ db, drop } = await tdb.create()));
    after(async () => drop());

    const writeSetting = (q: Kysely<Database> | Transaction<Database>, key: string) => q.insertInto('settings').values({ key, value: '1', updated_at: nowIso() }).execute();
    const visible = async (key: string) => !!(await db.kysely.selectFrom('settings').select('key').where('key', '=', key).executeTakeFirst());

    test('runs once the transaction has committed, not before, and sees what it wrote', async () => {
      const seen: string[] = [];
      const checks: Promise<boolean>[] = [];
      await db.kysely.transaction().execute(async (trx) => {
        await writeSetting(trx, 'ac.commit');
        await afterCommit(trx, () => {
          seen.push('work');
          checks.push(visible('ac.commit'));
        });
        seen.push('end of transaction');
      });
      assert.deepEqual(seen, ['end of transaction', 'work']);
      assert.deepEqual(await Promise.all(checks), [true]);
    });

    test('never runs when the transaction rolls back', async () => {
      let ran = 0;
      await assert.rejects(
        db.kysely.transaction().execute(async (trx) => {
          await writeSetting(trx, 'ac.rollback');
          await afterCommit(trx, () => void ran++);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(ran, 0);
      assert.equal(await visible('ac.rollback'), false);
      // the connection's next transaction starts with nothing pending
      await db.kysely.transaction().execute(async (trx) => void (await writeSetting(trx, 'ac.after-rollback')));
      assert.equal(ran, 0);
    });

    test('outside a transaction it runs at once', async () => {
      let ran = 0;
      await afterCommit(db.kysely, () => void ran++);
      assert.equal(ran, 1);
    });

    test('work registered under one key runs once per transaction', async () => {
      let ran = 0;
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < 3; i++) await afterCommit(trx, () => void ran++, 'same');
      });
      assert.equal(ran, 1);
      await db.kysely.transaction().execute(async (trx) => afterCommit(trx, () => void ran++, 'same'));
      assert.equal(ran, 2, 'the key is per transaction');
    });

    test('a savepoint rolled back drops the work registered after it', async () => {
      const ran: string[] = [];
      const trx = await db.kysely.startTransaction().execute();
      await afterCommit(trx, () => void ran.push('before'));
      const sp = await trx.savepoint('sp1').execute();
      await afterCommit(sp, () => void ran.push('inside'));
      await sp.rollbackToSavepoint('sp1').execute();
      await afterCommit(trx, () => void ran.push('after'));
      await trx.commit().execute();
      assert.deepEqual(ran, ['before', 'after']);
    });

    test('concurrent transactions keep their own work (PostgreSQL: one connection each)', async () => {
      const ran: string[] = [];
      const one = db.kysely.transaction().execute(async (trx) => {
        await afterCommit(trx, () => void ran.push('one'));
        await writeSetting(trx, 'ac.one');
      });
      const two = db.kysely
        .transaction()
        .execute(async (trx) => {
          await afterCommit(trx, () => void ran.push('two'));
          await writeSetting(trx, 'ac.two');
          throw new Error('two fails');
        })
        .catch(() => undefined);
      await Promise.all([one, two]);
      assert.deepEqual(ran, ['one']);
    });

    test('a signal reaches the listeners of this database once per committed transaction', async () => {
      let heard = 0;
      const stop = onCommitSignal(db.kysely, 'test.signal', () => void heard++);
      try {
        await db.kysely.transaction().execute(async (trx) => {
          await signalAfterCommit(trx, 'test.signal');
          await signalAfterCommit(trx, 'test.signal');
          assert.equal(heard, 0, 'not before commit');
        });
        assert.equal(heard, 1);
        await db.kysely.transaction().execute(async (trx) => signalAfterCommit(trx, 'other.signal'));
        assert.equal(heard, 1);
      } finally {
        stop();
      }
    });
  });
}
