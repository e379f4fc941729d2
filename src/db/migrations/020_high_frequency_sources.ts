import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 23: the office marks a polled source 高频 (high frequency) to have it checked every 10–59
 * seconds, for the local forum or message board where the early warning matters most. Other
 * sources keep the one-minute minimum. Politeness stays with the fetcher (robots.txt and its
 * Crawl-delay, the per-host cap and delay, conditional GET) and the store (at most three 高频
 * sources per host).
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('sources').addColumn('high_frequency', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
