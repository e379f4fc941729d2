import { sql } from 'kysely';
import type { PeriodicTask } from '../jobs/scheduler.ts';
import type { Db } from './connect.ts';

/**
 * Keeps the planner's statistics current without anybody running `ANALYZE` (issue 23).
 * - SQLite: `PRAGMA optimize` on open (connect.ts) and hourly here, bounded by `analysis_limit`:
 *   the tables whose row counts moved far since they were last analysed are analysed again.
 * - PostgreSQL: autovacuum analyses a table once enough of it changed; migration 018 lowers that
 *   share for the tables that grow with every post (posts, post_metrics, alerts, event_keys) so a
 *   table of a million rows is not left 100,000 changes behind. docs/deploy.md says what to check.
 */
export async function optimizePlanner(db: Db): Promise<boolean> {
  if (db.kind !== 'sqlite') return false;
  await sql`pragma analysis_limit = 1000`.execute(db.kysely);
  await sql`pragma optimize`.execute(db.kysely);
  return true;
}

/** Hourly, in every process (each SQLite connection keeps its own view of what it used). */
export const optimizeTask: PeriodicTask = {
  name: 'db.optimize',
  intervalMs: 60 * 60 * 1000,
  local: true,
  async run(ctx) {
    await optimizePlanner(ctx.db);
  },
};
