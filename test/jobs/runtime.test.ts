import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../src/context.ts';
import { startJobRuntime } from '../../src/jobs/runtime.ts';
import type { PeriodicTask } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/log.ts';

function bareContext(): AppContext {
  return { db: { kind: 'sqlite' }, config: {}, log: createLogger('silent') } as unknown as AppContext;
}

test('a local periodic task (the collection planner) ticks on its short interval in this process, one run at a time, and stop waits for the run in flight', async () => {
  let runs = 0;
  let active = 0;
  let overlapped = false;
  let finished = 0;
  const task: PeriodicTask = {
    name: 'planner.test',
    intervalMs: 40,
    local: true,
    async run() {
      runs++;
      active++;
      if (active > 1) overlapped = true;
      await sleep(100);
      active--;
      finished++;
    },
  };
  const ctx = bareContext();
  const runtime = await startJobRuntime(ctx, [task]);
  const end = Date.now() + 10_000;
  while (runs < 3 && Date.now() < end) await sleep(20);
  assert.ok(runs >= 3, `ran ${runs} times`);
  await runtime.stop();
  assert.equal(overlapped, false, 'a slow run is never overlapped by the next tick');
  assert.equal(finished, runs, 'stop() returned only after the run in flight finished');
  const after = runs;
  await sleep(150);
  assert.equal(runs, after, 'no run after stop');
  assert.equal(ctx.jobs, undefined);
});

test('a failing local task is logged and keeps its schedule', async () => {
  let runs = 0;
  const runtime = await startJobRuntime(bareContext(), [
    {
      name: 'failing.test',
      intervalMs: 30,
      local: true,
      async run() {
        runs++;
        throw new Error('boom');
      },
    },
  ]);
  const end = Date.now() + 10_000;
  while (runs < 3 && Date.now() < end) await sleep(20);
  await runtime.stop();
  assert.ok(runs >= 3, `ran ${runs} times after failures`);
});
