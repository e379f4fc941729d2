import { z } from 'zod';
import { accountInput, accountRowSchema, accountSchema, getAccount, listAccounts, registerAccount, removeAccount } from '../../cases/accounts.ts';
import { noContent } from '../responses.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export const accountRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);
  r.get('/api/responder-accounts', { schema: { tags: ['accounts'], summary: 'Responder accounts (网评员账号) visible to me', response: { 200: accountSchema.array() } } }, async (request) =>
    listAccounts(db, actorOf(request)),
  );
  r.get('/api/responder-accounts/:id', { schema: { tags: ['accounts'], summary: 'One responder account', params: idParam, response: { 200: accountSchema } } }, async (request) =>
    getAccount(db, actorOf(request), request.params.id),
  );
  r.post('/api/responder-accounts', { schema: { tags: ['accounts'], summary: 'Register a username I reply under', body: accountInput, response: { 201: accountRowSchema } } }, async (request, reply) =>
    reply.code(201).send(await registerAccount(db, actorOf(request), request.body)),
  );
  r.delete('/api/responder-accounts/:id', { schema: { tags: ['accounts'], summary: 'Remove a registered account', params: idParam, response: { 204: noContent } } }, async (request, reply) => {
    await removeAccount(db, actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
