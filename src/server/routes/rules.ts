import { z } from 'zod';
import { createWatchPeriod, deleteWatchPeriod, listWatchPeriods, updateWatchPeriod, watchPeriodInput, watchPeriodViewSchema } from '../../analyze/risk/periods.ts';
import { createWatchRule, deleteWatchRule, getWatchRule, listWatchRules, updateWatchRule, watchRuleInput, watchRuleViewSchema } from '../../analyze/rules/store.ts';
import { checkExpression, expressionCheckSchema, tryRule, tryRuleInput, tryRuleResultSchema } from '../../analyze/rules/try-rule.ts';
import { noContent } from '../responses.ts';
import { assertCan } from '../../auth/policy.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Watch rules (监测规则) and watch periods (重点时段). */
export const ruleRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/rules', { schema: { tags: ['rules'], summary: 'Watch rules visible to me', response: { 200: watchRuleViewSchema.array() } } }, async (request) => listWatchRules(db, actorOf(request)));
  r.get('/api/rules/:id', { schema: { tags: ['rules'], summary: 'One watch rule', params: idParam, response: { 200: watchRuleViewSchema } } }, async (request) => getWatchRule(db, actorOf(request), request.params.id));
  r.post('/api/rules', { schema: { tags: ['rules'], summary: 'Create a watch rule (a bad expression is a 400 with the character position)', body: watchRuleInput, response: { 201: watchRuleViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await createWatchRule(db, actorOf(request), request.body)),
  );
  r.patch('/api/rules/:id', { schema: { tags: ['rules'], summary: 'Update a watch rule', params: idParam, body: watchRuleInput.partial(), response: { 200: watchRuleViewSchema } } }, async (request) =>
    updateWatchRule(db, actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/rules/:id', { schema: { tags: ['rules'], summary: 'Delete a watch rule (one with alerts must be disabled instead)', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteWatchRule(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
  r.post(
    '/api/rules/parse',
    { schema: { tags: ['rules'], summary: 'Check an expression: its terms, or the error with its character position', body: z.object({ expression: z.string().max(5000) }), response: { 200: expressionCheckSchema } } },
    async (request) => {
      assertCan(actorOf(request), 'rules.manage');
      return checkExpression(request.body.expression);
    },
  );
  r.post('/api/rules/test', { schema: { tags: ['rules'], summary: 'Test an expression against recent posts, with match highlights', body: tryRuleInput, response: { 200: tryRuleResultSchema } } }, async (request) =>
    tryRule(db, actorOf(request), request.body),
  );

  r.get('/api/watch-periods', { schema: { tags: ['rules'], summary: 'Watch periods (专题/重点时段)', response: { 200: watchPeriodViewSchema.array() } } }, async (request) => listWatchPeriods(db, actorOf(request)));
  r.post('/api/watch-periods', { schema: { tags: ['rules'], summary: 'Create a watch period', body: watchPeriodInput, response: { 201: watchPeriodViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await createWatchPeriod(db, actorOf(request), request.body)),
  );
  r.patch('/api/watch-periods/:id', { schema: { tags: ['rules'], summary: 'Update a watch period', params: idParam, body: watchPeriodInput.partial(), response: { 200: watchPeriodViewSchema } } }, async (request) =>
    updateWatchPeriod(db, actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/watch-periods/:id', { schema: { tags: ['rules'], summary: 'Delete a watch period', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await deleteWatchPeriod(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
