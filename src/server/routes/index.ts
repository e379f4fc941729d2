import { accountRoutes } from './accounts.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { healthRoutes } from './health.ts';
import { orgRoutes } from './org.ts';
import type { RouteModule } from './types.ts';
import { workspaceRoutes } from './workspace.ts';

/** Every API route module. A stage adds its file and one line here. */
export const routes: RouteModule[] = [healthRoutes, authRoutes, orgRoutes, auditRoutes, workspaceRoutes, accountRoutes];
