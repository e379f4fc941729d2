import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Role } from '../db/schema.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from './actor.ts';

/**
 * The one place that decides who may do what (DESIGN §2). Every route and command asks here.
 * Department scoping (a responder or head sees only their department plus the office's shared
 * items) is applied to queries with `departmentScope`.
 */
const permissions = {
  'users.manage': ['admin'],
  'departments.manage': ['admin'],
  'settings.manage': ['admin', 'office'],
  'workspace.apply': ['admin'],
  'workspace.export': ['admin', 'office'],
  'audit.read': ['admin', 'office'],
  'sources.manage': ['admin', 'office'],
  'rules.manage': ['admin', 'office'],
  'channels.manage': ['admin', 'office'],
  'taxonomy.manage': ['admin', 'office'],
  'templates.manage': ['admin', 'office'],
  'posts.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'posts.create': ['admin', 'office', 'responder'],
  'posts.label': ['admin', 'office', 'responder', 'head'],
  'alerts.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'alerts.ack': ['admin', 'office', 'responder', 'head', 'leader'],
  'cases.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'cases.open': ['admin', 'office', 'responder', 'head'],
  'cases.assign': ['admin', 'office'],
  'cases.draft': ['office', 'responder', 'head'],
  'cases.approve': ['office', 'head', 'leader'],
  'cases.recordReply': ['office', 'responder', 'head'],
  'cases.follow': ['office', 'responder', 'head'],
  'cases.close': ['office', 'head'],
  'cases.escalate': ['office', 'responder', 'head'],
  'memos.create': ['office'],
  'memos.instruct': ['leader'],
  'commitments.manage': ['office', 'responder', 'head'],
  'commitments.waive': ['office'],
  'accounts.register': ['office', 'responder', 'head'],
  'accounts.readAll': ['admin', 'office', 'leader'],
  'reports.read': ['admin', 'office', 'head', 'leader'],
  'departments.read': ['admin', 'office', 'responder', 'head', 'leader'],
  'users.read': ['admin', 'office', 'head', 'leader'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export function can(actor: Actor, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(actor.role);
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
