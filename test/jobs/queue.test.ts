import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessQueue } from '../../src/jobs/inprocess-queue.ts';
import { PgBossQueue } from '../../src/jobs/pgboss-queue.ts';
import type { JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/log.ts';
import { freshDatabaseUrl } from '../helpers/db.ts';

const log = createLogger('silent');

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

/** The same behaviour from both implementations of the job interface. */
function contract(name: string, make: () => Promise<{ queues: JobQueue[]; cleanup(): Promise<void> }>) {
  describe(`job queue contract [${name}]`, () => {
    test('every job sent is run once', async () => {
      const { queues, cleanup } = await make();
      try {
        const seen: number[] = [];
        for (const q of queues) await q.work('count', async (d) => void seen.push(Number(d.n)), { concurrency: 2 });
        for (let n = 0; n < 20; n++) await queues[n % queues.length].send('count', { n });
        await until(() => seen.length >= 20);
        await sleep(300);
        assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      } finally {
        await cleanup();
      }
    });

    test('jobs with the same singleton key never run at the same time, across processes', async () => {
      const { queues, cleanup } = await make();
      try {
        let active = 0;
        let maxActive = 0;
        let runs = 0;
        for (const q of queues) {
          await q.work(
            'source',
            async () => {
              active++;
              maxActive = Math.max(maxActive, active);
              await sleep(150);
              active--;
              runs++;
            },
            { concurrency: 3, singleton: true },
          );
        }
        // Sends keep coming while jobs run (as planners do), over longer than a polling interval.
        for (let i = 0; i < 12; i++) {
          for (const q of queues) await q.send('source', { sourceId: 1 }, { singletonKey: 'source:1' });
          await sleep(250);
        }
        await until(() => runs >= 2);
        await sleep(700);
        assert.equal(maxActive, 1);
        assert.ok(runs <= 12, `duplicates were folded (${runs} runs for 12×${queues.length} sends)`);
      } finally {
        await cleanup();
      }
    });

    test('a failing job is retried', async () => {
      const { queues, cleanup } = await make();
      try {
        let tries = 0;
        await queues[0].work(
          'flaky',
          async () => {
            tries++;
            if (tries < 2) throw new Error('first attempt fails');
          },
          { retryLimit: 2 },
        );
        await queues[0].send('flaky', {});
        await until(() => tries >= 2, 30_000);
        assert.equal(tries, 2, 'retried once, then it succeeded');
      } finally {
        await cleanup();
      }
    });
  });
}

contract('in-process', async () => {
  const q = new InProcessQueue(log);
  await q.start();
  return { queues: [q], cleanup: () => q.stop() };
});

if (process.env.TEST_DATABASE_URL) {
  contract('pg-boss, two workers', async () => {
    const fresh = await freshDatabaseUrl('postgres');
    const a = new PgBossQueue(fresh.url, log);
    const b = new PgBossQueue(fresh.url, log);
    await a.start();
    await b.start();
    return {
      queues: [a, b],
      cleanup: async () => {
        await a.stop();
        await b.stop();
        await fresh.drop();
      },
    };
  });
}
