import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, assertSeesDepartment } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';

/**
 * An attachment for download (the links in alert messages point here). Who may read it follows
 * its owner: a case's files within the case's department scope, reports for report readers,
 * anything else for any logged-in user.
 */
export async function downloadAttachment(db: Kysely<Database>, actor: Actor, id: number) {
  const file = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!file) throw new NotFoundError(`attachment ${id}`);
  if (file.owner_type === 'case') {
    assertCan(actor, 'cases.read');
    const c = await db.selectFrom('cases').select('lead_department_id').where('id', '=', file.owner_id).executeTakeFirst();
    if (c) assertSeesDepartment(actor, c.lead_department_id, await officeDepartmentIds(db));
  } else if (file.owner_type === 'report' || file.owner_type === 'brief') {
    assertCan(actor, 'reports.read');
    // A scheduled brief of one department is that department's figures.
    const schedule = file.owner_type === 'report' ? await db.selectFrom('report_schedules').select('department_id').where('id', '=', file.owner_id).executeTakeFirst() : undefined;
    if (schedule) assertSeesDepartment(actor, schedule.department_id, await officeDepartmentIds(db));
  } else {
    assertCan(actor, 'alerts.read');
  }
  return file;
}
