import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { roleMay, type Action } from './permissions.ts';

export type { Action } from './permissions.ts';

/**
 * The one place that decides who may do what (DESIGN §2), over the table in permissions.ts.
 * Every route and command asks here. Department scoping (a responder or head sees only their
 * department plus the office's shared items) is applied to queries with `departmentScope`.
 */
export function can(actor: Actor, action: Action): boolean {
  return roleMay(actor.role, action);
}

export function assertCan(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw new ForbiddenError(`${actor.name} (${actor.role}) may not ${action}`);
}

/** Roles whose view is limited to their own department plus shared (office / unassigned) items. */
export function isDepartmentScoped(actor: Actor): boolean {
  return actor.role === 'responder' || actor.role === 'head';
}

/**
 * Whether the actor may see a record owned by `departmentId`. `officeIds` are the office
 * departments, whose items are shared with everyone; an unassigned item (null) is shared too.
 */
export function canSeeDepartment(actor: Actor, departmentId: number | null, officeIds: readonly number[]): boolean {
  if (!isDepartmentScoped(actor)) return true;
  if (departmentId === null) return true;
  return departmentId === actor.departmentId || officeIds.includes(departmentId);
}

export function assertSeesDepartment(actor: Actor, departmentId: number | null, officeIds: readonly number[]): void {
  if (!canSeeDepartment(actor, departmentId, officeIds)) {
    throw new ForbiddenError(`${actor.name} may not access department ${departmentId}'s records`);
  }
}

/**
 * A change made in a department's name (opening a case in its ledger, acknowledging its alerts):
 * a responder or head acts only for their own department; the office's shared items are theirs
 * to read, not to act on. Other roles act for any department.
 */
export function actsForDepartment(actor: Actor, departmentId: number | null): boolean {
  if (!isDepartmentScoped(actor)) return true;
  return departmentId !== null && departmentId === actor.departmentId;
}

export function assertActsForDepartment(actor: Actor, departmentId: number | null): void {
  if (!actsForDepartment(actor, departmentId)) throw new ForbiddenError(`${actor.name} may not act for department ${departmentId}`);
}

/**
 * A where-clause for Kysely queries: rows whose `column` is the actor's department, an office
 * department, or unassigned. Use as `.where(departmentScope(actor, 'cases.lead_department_id'))`.
 */
export function departmentScope(actor: Actor, column: string) {
  return (eb: ExpressionBuilder<any, any>) => {
    if (!isDepartmentScoped(actor)) return sql<boolean>`1 = 1`;
    const col = eb.ref(column);
    return eb.or([
      eb(col, 'is', null),
      eb(col, '=', actor.departmentId ?? -1),
      eb(col, 'in', eb.selectFrom('departments').select('departments.id').where('departments.is_office', '=', 1)),
    ]);
  };
}
