import { exampleImportSchema, importExampleWorkspace, setupChecklist, setupChecklistSchema } from '../../workspace/setup.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

/** The first-run checklist and the example workspace. */
export const setupRoutes: RouteModule = (app, ctx) => {
  const r = typed(app);
  const tags = ['workspace'];
  r.get('/api/setup', { schema: { tags, summary: 'First-run checklist: departments, users, sources, rules, channels, a test message (each done or not)', response: { 200: setupChecklistSchema } } }, async (request) =>
    setupChecklist(ctx.db.kysely, actorOf(request)),
  );
  r.post('/api/setup/example', { schema: { tags, summary: 'Import the example workspace (a county 住建局: departments, users with generated passwords, rules, channels)', response: { 200: exampleImportSchema } } }, async (request) =>
    importExampleWorkspace(ctx.db.kysely, actorOf(request)),
  );
};
