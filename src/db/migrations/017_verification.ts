import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { tableWithId } from './columns.ts';

/**
 * Issue 19: replies verified as people post them, what citizens said back, the bureau's documents.
 * - `responses.origin`: 'recorded' (drafted, approved and recorded in Minsheng) or 'collected' (a
 *   registered account's reply that collection found on a case thread and recorded by itself).
 * - `cases.close_reason` / `cases.close_open`: a case closed while a 批示, a posted reply's
 *   verification or a commitment was still open keeps the reason given and what was open (JSON).
 * - `case_feedback`: the 跟帖 and later posts people wrote after our reply, each read once
 *   (class 满意/认可 · 继续追问 · 升级苗头 · 其他, sentiment, abuse, the cues that decided).
 * - memos: 期号 (issue_year, issue_no, numbered per year through `memo_counters`), 承办科室
 *   (department_id), 办理时限 (due_at), 签发 (signed_by, signed_at).
 */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await db.schema.alterTable('responses').addColumn('origin', 'text', (c) => c.notNull().defaultTo('recorded')).execute();
  await db.schema.alterTable('cases').addColumn('close_reason', 'text').execute();
  await db.schema.alterTable('cases').addColumn('close_open', 'text').execute();

  await tableWithId(db, kind, 'case_feedback')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('post_id', 'integer', (c) => c.notNull())
    .addColumn('post_reply_id', 'integer')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('excerpt', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('sentiment', 'text')
    .addColumn('abuse', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cues', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_feedback_item').on('case_feedback').columns(['case_id', 'item_key']).unique().execute();

  await db.schema.alterTable('memos').addColumn('issue_year', 'integer').execute();
  await db.schema.alterTable('memos').addColumn('issue_no', 'integer').execute();
  await db.schema.alterTable('memos').addColumn('department_id', 'integer').execute();
  await db.schema.alterTable('memos').addColumn('due_at', 'text').execute();
  await db.schema.alterTable('memos').addColumn('signed_by', 'integer').execute();
  await db.schema.alterTable('memos').addColumn('signed_at', 'text').execute();
  await db.schema.createIndex('memos_issue').on('memos').columns(['issue_year', 'issue_no']).unique().execute();
  await db.schema
    .createTable('memo_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
}
