import { threadId } from 'node:worker_threads';
import { sql } from 'kysely';
import { threadRead } from '../../src/db/read-thread.ts';
import { NotFoundError } from '../../src/errors.ts';

/** Reads for test/scale/read-threads.test.ts: what runs them, a synchronous block, an error, a write attempt. */
export const spinRead = threadRead(import.meta.url, 'spin', 'refresh', async (db, args: { ms: number }) => {
  await sql`select 1`.execute(db);
  const start = performance.now();
  while (performance.now() - start < args.ms);
  return { threadId };
});

export const missingRead = threadRead(import.meta.url, 'missing', 'reports', async (_db, args: { id: number }) => {
  throw new NotFoundError(`thing ${args.id}`);
});

export const writeRead = threadRead(import.meta.url, 'write', 'reports', async (db) => {
  await db.updateTable('settings').set({ value: 'x' }).where('key', '=', 'read-thread-test').execute();
  return 'wrote';
});
