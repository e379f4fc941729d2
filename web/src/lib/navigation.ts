import type { WebMessageKey } from '../i18n.ts';
import type { Role } from './types.ts';

/**
 * What each role sees in the menu and where it lands after logging in. Pure data so that it
 * can be tested without a browser; the page components are attached in routes.tsx.
 */
export type { Role };
export const ROLES: Role[] = ['admin', 'office', 'responder', 'head', 'leader'];

export interface NavItem {
  path: string;
  label: WebMessageKey;
  roles: Role[];
  group?: 'settings';
}

const everyone: Role[] = ['admin', 'office', 'responder', 'head', 'leader'];
const officeAdmin: Role[] = ['admin', 'office'];

export const NAV: NavItem[] = [
  { path: '/dashboard', label: 'web.menu.dashboard', roles: ['admin', 'office', 'head', 'leader'] },
  { path: '/posts', label: 'web.menu.posts', roles: everyone },
  { path: '/events', label: 'web.menu.events', roles: everyone },
  { path: '/alerts', label: 'web.menu.alerts', roles: everyone },
  { path: '/cases', label: 'web.menu.cases', roles: everyone },
  { path: '/approvals', label: 'web.menu.approvals', roles: ['office', 'head', 'leader'] },
  { path: '/memos', label: 'web.menu.memos', roles: ['office', 'leader'] },
  { path: '/reports', label: 'web.menu.reports', roles: ['admin', 'office', 'head', 'leader'] },
  { path: '/settings/sources', label: 'web.menu.sources', roles: officeAdmin, group: 'settings' },
  { path: '/settings/rules', label: 'web.menu.rules', roles: officeAdmin, group: 'settings' },
  { path: '/settings/periods', label: 'web.menu.periods', roles: officeAdmin, group: 'settings' },
  { path: '/settings/channels', label: 'web.menu.channels', roles: officeAdmin, group: 'settings' },
  { path: '/settings/taxonomy', label: 'web.menu.taxonomy', roles: officeAdmin, group: 'settings' },
  { path: '/settings/templates', label: 'web.menu.templates', roles: officeAdmin, group: 'settings' },
  { path: '/settings/cases', label: 'web.menu.caseSettings', roles: officeAdmin, group: 'settings' },
  { path: '/settings/calendar', label: 'web.menu.calendar', roles: officeAdmin, group: 'settings' },
  { path: '/settings/departments', label: 'web.menu.departments', roles: ['admin', 'office'], group: 'settings' },
  { path: '/settings/users', label: 'web.menu.users', roles: ['admin', 'office', 'head', 'leader'], group: 'settings' },
  { path: '/settings/accounts', label: 'web.menu.accounts', roles: ['admin', 'office', 'responder', 'head', 'leader'], group: 'settings' },
  { path: '/settings/audit', label: 'web.menu.audit', roles: officeAdmin, group: 'settings' },
  { path: '/settings/workspace', label: 'web.menu.workspace', roles: officeAdmin, group: 'settings' },
];

/** Where each role's work is, in order of preference (the first page that exists wins). */
const LANDING: Record<Role, string[]> = {
  responder: ['/alerts', '/cases', '/posts', '/settings/accounts'],
  head: ['/approvals', '/cases', '/posts', '/settings/accounts'],
  leader: ['/memos', '/dashboard', '/posts', '/settings/accounts'],
  office: ['/dashboard', '/posts', '/settings/sources', '/settings/audit'],
  admin: ['/settings/users', '/settings/departments'],
};

/** The menu of a role, limited to the pages this build of the console has. */
export function menuFor(role: Role, available: ReadonlySet<string>): NavItem[] {
  return NAV.filter((n) => n.roles.includes(role) && available.has(n.path));
}

export function canOpen(role: Role, path: string): boolean {
  const item = NAV.find((n) => n.path === path || path.startsWith(`${n.path}/`));
  return !item || item.roles.includes(role);
}

export function landingPath(role: Role, available: ReadonlySet<string>): string {
  return LANDING[role].find((p) => available.has(p) && canOpen(role, p)) ?? menuFor(role, available)[0]?.path ?? '/settings/accounts';
}
