import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 17, signal on real government text. Posts keep their appeal type (诉求类型) and emotion
 * (情绪) beside their sentiment, so that the console filters by them and reports count them;
 * labels can teach them. A label remembers the fingerprint of its text (exact text, spaces and
 * punctuation aside) and a SimHash of its words, so that a correction applies at once to the
 * same text and to near-duplicates (analyze/learn/memory.ts).
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('posts').addColumn('appeal_label', 'text').execute();
  await db.schema.alterTable('posts').addColumn('emotion_label', 'text').execute();
  await db.schema.createIndex('posts_appeal').on('posts').column('appeal_label').execute();
  await db.schema.alterTable('labels').addColumn('appeal', 'text').execute();
  await db.schema.alterTable('labels').addColumn('emotion', 'text').execute();
  await db.schema.alterTable('labels').addColumn('fingerprint', 'text').execute();
  await db.schema.alterTable('labels').addColumn('simhash', 'text').execute();
  await db.schema.createIndex('labels_fingerprint').on('labels').column('fingerprint').execute();
}
