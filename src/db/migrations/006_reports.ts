import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import { tableWithId } from './columns.ts';

/** Reports: scheduled briefs, their runs, and the workspace's named dates (peaks annotation). */
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  await tableWithId(db, kind, 'report_schedules')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('level', 'text', (c) => c.notNull().defaultTo('blue'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_run_at', 'text')
    .addColumn('last_run_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await tableWithId(db, kind, 'report_runs')
    .addColumn('schedule_id', 'integer', (c) => c.notNull().references('report_schedules.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'integer', (c) => c.references('attachments.id'))
    .addColumn('alert_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('report_runs_schedule_period', ['schedule_id', 'period'])
    .execute();

  await tableWithId(db, kind, 'named_dates')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('yearly', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
