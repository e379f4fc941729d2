import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { tableWithId } from './columns.ts';

/**
 * Issue 17, part 5 (one matter, one event): the office merges events that are one matter and
 * splits posts off an event that are another. A merged event keeps its row, pointing at the event
 * it went into (links, alerts and cases that named it still resolve), and takes no more posts.
 * Every merge and split is kept in `event_changes` (who, when, what) beside the audit trail.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('events').addColumn('merged_into', 'integer', (c) => c.references('events.id')).execute();
  await tableWithId(db, _kind, 'event_changes')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('other_event_id', 'integer', (c) => c.references('events.id'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('post_ids', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_changes_event').on('event_changes').columns(['event_id', 'at']).execute();
}
