import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { isDepartmentScoped } from '../auth/policy.ts';
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

