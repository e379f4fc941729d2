import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { realType } from './columns.ts';

/**
 * Issue 21: past cases at hand. `case_terms` holds each answered case's weighted words (a token
 * hash, the TF-IDF weight of the word in the case's posts, the vector normalised to length 1):
 * an inverted index whose index (term, weight, case_id) answers "the cases where this word weighs
 * most" from the index alone, best first, so a lookup reads a bounded number of rows per word. `case_term_index` records when each case was indexed, so the index catches
 * up with cases answered or changed since (cases/similar.ts).
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await db.schema
    .createTable('case_terms')
    .addColumn('term', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('weight', realType(kind), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_terms_impact').on('case_terms').columns(['term', 'weight desc', 'case_id']).execute();
  await db.schema.createIndex('case_terms_case').on('case_terms').column('case_id').execute();
  await db.schema
    .createTable('case_term_index')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('indexed_at', 'text', (c) => c.notNull())
    .addColumn('terms', 'integer', (c) => c.notNull())
    .execute();
}
