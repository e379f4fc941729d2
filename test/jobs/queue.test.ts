import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { InProcessQueue } from '../../src/jobs/inprocess-queue.ts';
import { PgBossQueue } from '../../src/jobs/pgboss-queue.ts';
import { jobType, MalformedJobError, noPayload, type JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/log.ts';
import { freshDatabaseUrl } from '../helpers/db.ts';

const log = createLogger('silent');

/** Errors the queues log (a logger that keeps them). */
const logged: { err?: unknown; job?: string }[] = [];
const keeping = Object.assign(createLogger('silent'), { error: (obj: { err?: unknown; job?: string }) => void logged.push(obj) });

const countJob = jobType('count', z.object({ n: z.number().int() }));
const sourceJob = jobType('source', z.object({ sourceId: z.number().int() }));
const flakyJob = jobType('flaky', noPayload);

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
        for (const q of queues) await q.work(countJob, async (d) => void seen.push(d.n), { concurrency: 2 });
        for (let n = 0; n < 20; n++) await queues[n % queues.length].send(countJob, { n });
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
            sourceJob,
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
          for (const q of queues) await q.send(sourceJob, { sourceId: 1 }, { singletonKey: 'source:1' });
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
          flakyJob,
          async () => {
            tries++;
            if (tries < 2) throw new Error('first attempt fails');
          },
          { retryLimit: 2 },
        );
        await queues[0].send(flakyJob, {});
        await until(() => tries >= 2, 30_000);
        assert.equal(tries, 2, 'retried once, then it succeeded');
      } finally {
        await cleanup();
      }
    });

    test('a malformed payload fails clearly and never reaches the handler', async () => {
      const { queues, cleanup } = await make();
      try {
        const got: number[] = [];
        await queues[0].work(countJob, async (d) => void got.push(d.n), { retryLimit: 0 });
        // Another version of the sender, with another idea of the payload, under the same name.
        await queues[0].send(jobType('count', z.object({ n: z.string() })), { n: 'seven' });
        await queues[0].send(countJob, { n: 8 });
        await until(() => got.length >= 1 && logged.some((l) => l.err instanceof MalformedJobError));
        await sleep(300);
        assert.deepEqual(got, [8], 'only the well-formed job ran');
        const err = logged.find((l) => l.err instanceof MalformedJobError)!.err as MalformedJobError;
        assert.equal(err.job, 'count');
        assert.match(err.message, /job count: malformed payload \(n: /);
      } finally {
        logged.length = 0;
        await cleanup();
      }
    });
  });
}

contract('in-process', async () => {
  const q = new InProcessQueue(keeping);
  await q.start();
  return { queues: [q], cleanup: () => q.stop() };
});

if (process.env.TEST_DATABASE_URL) {
  contract('pg-boss, two workers', async () => {
    const fresh = await freshDatabaseUrl('postgres');
    const a = new PgBossQueue(fresh.url, keeping);
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
