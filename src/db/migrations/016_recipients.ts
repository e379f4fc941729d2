import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 18: alerts people can act on.
 * - posts.published_precision: how precise the published time is ('second' | 'minute' | 'hour' |
 *   'day'; null for older rows, read as exact). A date-only time is never counted in an hour.
 * - posts.standing: why a post neither alerts nor opens a case, decided when it is stored: 'ours'
 *   (written by a registered responder account), 'reference' (a 参考 source: peer region, same
 *   industry), 'history' (imported as history), 'old' (published before its source was added, or
 *   older than the workspace's limit); null for an ordinary post.
 * - sources.reference: the source is watched for reference (参考); its items go to the office's digest.
 * - alert_recipients: the people an in-app alert is for, each 'now' (at once), 'digest' (in their
 *   next digest) or 'flood' (held back in a flood, in a digest at the end of the window); the
 *   digest alert that carried it. In-app unread counts are counted from it, per person.
 * - alert_preferences: what each person chose to receive, within what the office allows.
 * - cases.emergency_proposed: a 特别重大/重大 case opened without the emergency clocks proposes them (5 h / 24 h,
 *   国办发〔2016〕61号/80号); the office confirms in one click or says they do not apply, which clears it.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('posts').addColumn('published_precision', 'text').execute();
  await db.schema.alterTable('posts').addColumn('standing', 'text').execute();
  await db.schema.alterTable('sources').addColumn('reference', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('alert_recipients')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('digest_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_recipients_pk', ['alert_id', 'user_id'])
    .execute();
  await db.schema.createIndex('alert_recipients_user').on('alert_recipients').columns(['user_id', 'mode', 'digest_id']).execute();

  await db.schema
    .createTable('alert_preferences')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('cases').addColumn('emergency_proposed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
