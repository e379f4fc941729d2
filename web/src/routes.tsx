import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * Every page of the console. Pages are code-split: each is loaded when first opened, so the
 * charts library and the larger pages do not weigh on the login screen.
 */
export interface PageRoute {
  pattern: string;
  component: LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;
}

export const PAGES: PageRoute[] = [
  { pattern: '/dashboard', component: lazy(() => import('./pages/Dashboard.tsx')) },
  { pattern: '/posts', component: lazy(() => import('./pages/Posts.tsx')) },
  { pattern: '/posts/:id', component: lazy(() => import('./pages/PostDetail.tsx')) },
  { pattern: '/events', component: lazy(() => import('./pages/Events.tsx')) },
  { pattern: '/events/:id', component: lazy(() => import('./pages/EventDetail.tsx')) },
  { pattern: '/alerts', component: lazy(() => import('./pages/Alerts.tsx')) },
  { pattern: '/approvals', component: lazy(() => import('./pages/Approvals.tsx')) },
  { pattern: '/cases', component: lazy(() => import('./pages/Ledger.tsx')) },
  { pattern: '/cases/:id', component: lazy(() => import('./pages/Case.tsx')) },
  { pattern: '/memos', component: lazy(() => import('./pages/Memos.tsx')) },
  { pattern: '/reports', component: lazy(() => import('./pages/Reports.tsx')) },
  { pattern: '/settings/sources', component: lazy(() => import('./pages/settings/Sources.tsx')) },
  { pattern: '/settings/rules', component: lazy(() => import('./pages/settings/Rules.tsx')) },
  { pattern: '/settings/periods', component: lazy(() => import('./pages/settings/Periods.tsx')) },
  { pattern: '/settings/channels', component: lazy(() => import('./pages/settings/Channels.tsx')) },
  { pattern: '/settings/templates', component: lazy(() => import('./pages/settings/Templates.tsx')) },
  { pattern: '/settings/cases', component: lazy(() => import('./pages/settings/CaseSettings.tsx')) },
  { pattern: '/settings/calendar', component: lazy(() => import('./pages/settings/Calendar.tsx')) },
  { pattern: '/settings/departments', component: lazy(() => import('./pages/settings/Departments.tsx')) },
  { pattern: '/settings/users', component: lazy(() => import('./pages/settings/Users.tsx')) },
  { pattern: '/settings/accounts', component: lazy(() => import('./pages/settings/Accounts.tsx')) },
  { pattern: '/settings/audit', component: lazy(() => import('./pages/settings/Audit.tsx')) },
  { pattern: '/settings/workspace', component: lazy(() => import('./pages/settings/Workspace.tsx')) },
];

export const AVAILABLE: ReadonlySet<string> = new Set(PAGES.map((p) => p.pattern));
