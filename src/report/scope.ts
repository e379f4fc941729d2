import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { canSeeDepartment, isDepartmentScoped } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';

/** The department a reader's figures are limited to: a head's own; others may ask for one. */
export async function scopeDepartment(db: Kysely<Database>, actor: Actor, requested: number | null | undefined): Promise<number | null> {
  if (isDepartmentScoped(actor)) return actor.departmentId ?? -1;
  if (requested == null) return null;
  const row = await db.selectFrom('departments').select('id').where('id', '=', requested).executeTakeFirst();
  if (!row) throw new ValidationError(`department ${requested} not found`, t('report.error.departmentNotFound', { id: requested }));
  return requested;
}


/** The event a report is about, when the reader may see it; another department's answers like a missing one. */
export async function visibleEvent(db: Kysely<Database>, actor: Actor, id: number) {
  const ev = await db.selectFrom('events').select(['id', 'first_seen_at', 'last_seen_at', 'department_id']).where('id', '=', id).executeTakeFirst();
  if (!ev || !canSeeDepartment(actor, ev.department_id, await officeDepartmentIds(db))) {
    throw new ValidationError(`event ${id} not found`, t('report.error.eventNotFound', { id }));
  }
  return ev;
}
