import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Source health keeps the last run's warnings (issue 22.6): e.g. bytes that were invalid for the
 * page's charset and were replaced, or a charset switched by detection. Shown next to the last
 * error; kept until the next run that has warnings, or until the source is edited.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('sources').addColumn('last_warning', 'text').execute();
  await db.schema.alterTable('sources').addColumn('last_warning_at', 'text').execute();
}
