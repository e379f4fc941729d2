import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Early warning (issue 5): delivery bookkeeping on alerts (lease, matter, digest, attachment),
 * channel health (retry window, last success/failure, audience), and per-user read marks for
 * the in-app channel.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('alerts').addColumn('matter_key', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('department_id', 'integer', (c) => c.references('departments.id')).execute();
  await db.schema.alterTable('alerts').addColumn('attachment_id', 'integer', (c) => c.references('attachments.id')).execute();
  await db.schema.alterTable('alerts').addColumn('claim_token', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('lease_until', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('digest_id', 'integer').execute();
  await db.schema.alterTable('alerts').addColumn('escalation_of', 'text').execute();
  await db.schema.createIndex('alerts_matter').on('alerts').column('matter_key').execute();
  await db.schema.createIndex('alerts_channel_status').on('alerts').columns(['channel_id', 'status']).execute();
  await db.schema.createIndex('alerts_sent').on('alerts').column('sent_at').execute();

  await db.schema.alterTable('channels').addColumn('audience', 'text', (c) => c.notNull().defaultTo('department')).execute();
  await db.schema.alterTable('channels').addColumn('retry_at', 'text').execute();
  await db.schema.alterTable('channels').addColumn('last_success_at', 'text').execute();
  await db.schema.alterTable('channels').addColumn('last_failure_at', 'text').execute();
  await db.schema.alterTable('channels').addColumn('last_error', 'text').execute();
  await db.schema.alterTable('channels').addColumn('disabled_at', 'text').execute();

  await db.schema
    .createTable('alert_reads')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_reads_pk', ['alert_id', 'user_id'])
    .execute();
}
