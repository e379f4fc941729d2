import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Login throttling (issue 22.5): one counter row per key — an account (`user:<name>`), a known
 * device (`device:<id>`) or an address (`ip:<address>`) — reserved by an atomic upsert before
 * the password is checked, so concurrent attempts in several processes never get more checks
 * than the limit. A lock is short and doubles with each lockout (`lockouts`). The old
 * per-failure log `login_failures` counted after the check and is dropped.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_throttle_updated_at').on('login_throttle').column('updated_at').execute();
  await db.schema.dropTable('login_failures').execute();
}
