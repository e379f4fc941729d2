import { accountRoutes } from './accounts.ts';
import { analysisRoutes } from './analysis.ts';
import { eventRoutes } from './events.ts';
import { ruleRoutes } from './rules.ts';
import { alertRoutes } from './alerts.ts';
import { channelRoutes } from './channels.ts';
import { caseRoutes } from './cases.ts';
import { commitmentRoutes } from './commitments.ts';
import { memoRoutes } from './memos.ts';
import { responseRoutes } from './responses.ts';
import { templateRoutes } from './templates.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { healthRoutes } from './health.ts';
import { labelRoutes } from './labels.ts';
import { orgRoutes } from './org.ts';
import { reportRoutes } from './reports.ts';
import type { RouteModule } from './types.ts';
import { workspaceRoutes } from './workspace.ts';
import { sourceRoutes } from './sources.ts';
import { postRoutes } from './posts.ts';
import { ingestRoutes } from './ingest.ts';
import { timeRoutes } from './time.ts';
import { wizardRoutes } from './wizard.ts';
import { setupRoutes } from './setup.ts';
import { similarRoutes } from './similar.ts';

/** Every API route module. A stage adds its file and one line here. */
export const routes: RouteModule[] = [healthRoutes, authRoutes, orgRoutes, auditRoutes, workspaceRoutes, accountRoutes, caseRoutes, responseRoutes, memoRoutes, commitmentRoutes, templateRoutes, alertRoutes, channelRoutes, ruleRoutes, eventRoutes, analysisRoutes, labelRoutes, reportRoutes, sourceRoutes, postRoutes, ingestRoutes, timeRoutes, wizardRoutes, setupRoutes, similarRoutes];
