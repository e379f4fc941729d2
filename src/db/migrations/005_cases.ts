import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Ledger and response workflow (issue 6): the per-year case counter, emergency and hard-case
 * flags, the second emergency clock (press conference), memo revisions and commitment waivers.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema
    .createTable('case_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('cases').addColumn('emergency', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('cases').addColumn('hard', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('cases').addColumn('replied_at', 'text').execute();
  await db.schema.alterTable('cases').addColumn('press_deadline_at', 'text').execute();
  await db.schema.alterTable('cases').addColumn('press_held_at', 'text').execute();
  await db.schema.alterTable('cases').addColumn('escalated_to', 'text').execute();
  await db.schema.createIndex('cases_deadline').on('cases').columns(['overdue', 'deadline_at']).execute();
  await db.schema.createIndex('cases_level').on('cases').column('level').execute();
  await db.schema.createIndex('case_departments_department').on('case_departments').column('department_id').execute();
  await db.schema.createIndex('responses_case').on('responses').column('case_id').execute();
  await db.schema.createIndex('commitments_case').on('commitments').column('case_id').execute();
  await db.schema.createIndex('memos_case').on('memos').column('case_id').execute();

  await db.schema.alterTable('memos').addColumn('updated_at', 'text').execute();
  await db.schema.alterTable('commitments').addColumn('waived_reason', 'text').execute();
  await db.schema.alterTable('commitments').addColumn('waived_by', 'integer').execute();
}
