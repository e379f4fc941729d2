import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 20: source health the office can read. `sources.problem` is what the last failed run ran
 * into (collect/problems.ts: login expired, blocked by an anti-bot wall, a parse error, no
 * connection, another error), classified when the answer was at hand (its status and body), so the
 * console can say why in Chinese and what to do. Null while the source runs well.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('sources').addColumn('problem', 'text').execute();
}
