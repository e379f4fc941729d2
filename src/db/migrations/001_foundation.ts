import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { blobType, realType, tableWithId } from './columns.ts';

export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const real = realType(kind);

  await tableWithId(db, kind, 'departments')
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('is_office', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'users')
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await tableWithId(db, kind, 'login_failures')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_username_at').on('login_failures').columns(['username', 'at']).execute();
  await db.schema.createIndex('login_failures_ip_at').on('login_failures').columns(['ip', 'at']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'audit_log')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity', 'entity_id']).execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await tableWithId(db, kind, 'sources')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('interval_seconds', 'integer', (c) => c.notNull().defaultTo(300))
    .addColumn('weight', real, (c) => c.notNull().defaultTo(1))
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('push_token_hash', 'text')
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('error_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_check_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'events')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('topic', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('risk_level', 'text')
    .addColumn('burst', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_last_seen').on('events').column('last_seen_at').execute();

  await tableWithId(db, kind, 'posts')
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('external_id', 'text')
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content_html', 'text')
    .addColumn('author', 'text')
    .addColumn('published_at', 'text')
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replies_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reposts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('near_duplicate_of', 'integer')
    .addColumn('event_id', 'integer', (c) => c.references('events.id'))
    .addColumn('sentiment_label', 'text')
    .addColumn('sentiment_score', real)
    .addColumn('topic', 'text')
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('risk_level', 'text')
    .addColumn('risk_score', real)
    .addColumn('abuse', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('analysis', 'text')
    .addColumn('analyzed_at', 'text')
    .addColumn('segmented', 'text')
    .addUniqueConstraint('posts_source_dedup', ['source_id', 'dedup_key'])
    .execute();
  await db.schema.createIndex('posts_published').on('posts').column('published_at').execute();
  await db.schema.createIndex('posts_fetched').on('posts').column('fetched_at').execute();
  await db.schema.createIndex('posts_event').on('posts').column('event_id').execute();
  await db.schema.createIndex('posts_department').on('posts').column('department_id').execute();
  await db.schema.createIndex('posts_unanalyzed').on('posts').column('analyzed_at').execute();

  await tableWithId(db, kind, 'post_metrics')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reposts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('post_metrics_post_at').on('post_metrics').columns(['post_id', 'at']).execute();

  await tableWithId(db, kind, 'responder_accounts')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('responder_accounts_site_username', ['site', 'username'])
    .execute();

  await tableWithId(db, kind, 'post_replies')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addColumn('responder_account_id', 'integer', (c) => c.references('responder_accounts.id'))
    .addUniqueConstraint('post_replies_post_external', ['post_id', 'external_id'])
    .execute();

  await tableWithId(db, kind, 'watch_rules')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('expression', 'text', (c) => c.notNull())
    .addColumn('scope_sources', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('min_level', 'text', (c) => c.notNull().defaultTo('blue'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'watch_periods')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('boost', real, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'taxonomy_topics')
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_path', 'text')
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await tableWithId(db, kind, 'channels')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('min_level', 'text', (c) => c.notNull().defaultTo('blue'))
    .addColumn('rule_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('quiet_hours', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('failure_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'cases')
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().defaultTo('blue'))
    .addColumn('lead_department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('suggested_department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('suggestion_reasons', 'text')
    .addColumn('event_id', 'integer', (c) => c.references('events.id'))
    .addColumn('opened_by', 'integer', (c) => c.references('users.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('deadline_at', 'text')
    .addColumn('deadline_kind', 'text')
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('closed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('cases_year_seq', ['year', 'seq'])
    .execute();
  await db.schema.createIndex('cases_state').on('cases').column('state').execute();
  await db.schema.createIndex('cases_department').on('cases').column('lead_department_id').execute();
  await db.schema.createIndex('cases_opened').on('cases').column('opened_at').execute();

  await tableWithId(db, kind, 'alerts')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('post_id', 'integer', (c) => c.references('posts.id'))
    .addColumn('event_id', 'integer', (c) => c.references('events.id'))
    .addColumn('case_id', 'integer', (c) => c.references('cases.id'))
    .addColumn('rule_id', 'integer', (c) => c.references('watch_rules.id'))
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('post'))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('acknowledged_by', 'integer', (c) => c.references('users.id'))
    .addColumn('acknowledged_at', 'text')
    .addColumn('escalated_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_due').on('alerts').columns(['status', 'next_attempt_at']).execute();

  await tableWithId(db, kind, 'alert_attempts')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('snippet', 'text')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer')
    .execute();
  await db.schema.createIndex('alert_attempts_alert').on('alert_attempts').column('alert_id').execute();

  await db.schema
    .createTable('case_posts')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id'))
    .addPrimaryKeyConstraint('case_posts_pk', ['case_id', 'post_id'])
    .execute();
  await db.schema.createIndex('case_posts_post').on('case_posts').column('post_id').execute();

  await db.schema
    .createTable('case_departments')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('assist'))
    .addPrimaryKeyConstraint('case_departments_pk', ['case_id', 'department_id'])
    .execute();

  await tableWithId(db, kind, 'case_events')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('comment', 'text')
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').column('case_id').execute();

  await tableWithId(db, kind, 'responses')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('reply'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('responder_account_id', 'integer', (c) => c.references('responder_accounts.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('url', 'text')
    .addColumn('drafted_by', 'integer', (c) => c.references('users.id'))
    .addColumn('drafted_at', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'integer', (c) => c.references('users.id'))
    .addColumn('review_comment', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('posted_at', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('verification', 'text')
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'memos')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('analysis', 'text')
    .addColumn('suggestion', 'text')
    .addColumn('office_opinion', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();

  await tableWithId(db, kind, 'instructions')
    .addColumn('memo_id', 'integer', (c) => c.notNull().references('memos.id').onDelete('cascade'))
    .addColumn('leader_id', 'integer', (c) => c.references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text')
    .addColumn('handled_at', 'text')
    .execute();

  await tableWithId(db, kind, 'commitments')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id'))
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('done_at', 'text')
    .addColumn('result_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'labels')
    .addColumn('post_id', 'integer', (c) => c.references('posts.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sentiment', 'text')
    .addColumn('topic', 'text')
    .addColumn('department', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'reply_templates')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('reply'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('models')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trained_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'attachments')
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', blobType(kind), (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_owner').on('attachments').columns(['owner_type', 'owner_id']).execute();
}
