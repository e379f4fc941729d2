import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { tableWithId } from './columns.ts';

/**
 * Analysis part 1 (language and learning): the workspace's user dictionary for segmentation
 * (places, roads, estates, department names), and lookups for retraining from labels.
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await tableWithId(db, kind, 'dictionary_words')
    .addColumn('word', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('other'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('labels_post').on('labels').column('post_id').execute();
  await db.schema.createIndex('labels_created').on('labels').column('created_at').execute();
}
