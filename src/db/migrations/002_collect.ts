import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Collection: source health (when the current error streak began, why a source paused itself),
 * and per post the SimHash used to link near-duplicates across sources plus extra fields
 * that have no column of their own (e.g. 反对数 from an import).
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('sources').addColumn('error_since', 'text').execute();
  await db.schema.alterTable('sources').addColumn('paused_reason', 'text').execute();
  await db.schema.alterTable('posts').addColumn('simhash', 'text').execute();
  await db.schema.alterTable('posts').addColumn('extra', 'text').execute();
  await db.schema.createIndex('sources_next_check').on('sources').column('next_check_at').execute();
  await db.schema.createIndex('posts_source_published').on('posts').columns(['source_id', 'published_at']).execute();
}
