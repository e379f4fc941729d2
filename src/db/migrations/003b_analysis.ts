import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { tableWithId } from './columns.ts';

/**
 * Analysis part 2: event ownership and burst state, and the lookup keys (MinHash LSH bands of
 * each event's seed post) that let a new post find candidate events without scanning them all.
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await db.schema.alterTable('events').addColumn('department_id', 'integer', (c) => c.references('departments.id')).execute();
  await db.schema.alterTable('events').addColumn('burst_reason', 'text').execute();
  await db.schema.alterTable('events').addColumn('burst_at', 'text').execute();
  await tableWithId(db, kind, 'event_keys')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_keys_key').on('event_keys').column('key').execute();
  await db.schema.createIndex('event_keys_event').on('event_keys').column('event_id').execute();
  await db.schema.createIndex('posts_topic_for_bursts').on('posts').column('topic').execute();
  await db.schema.createIndex('events_department').on('events').column('department_id').execute();
}
