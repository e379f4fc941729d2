import { z } from 'zod';
import { createDepartment, departmentInput, departmentSchema, listDepartments, updateDepartment } from '../../auth/departments.ts';
import { assertCan } from '../../auth/policy.ts';
import { createUser, listUsers, publicUserSchema, updateUser, userInput } from '../../auth/users.ts';
import { actorOf } from '../session.ts';
import { createdUserSchema } from '../answers.ts';
import { typed, type RouteModule } from './types.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Departments and users (the organisation). */
export const orgRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/departments', { schema: { tags: ['org'], summary: 'List departments', response: { 200: departmentSchema.array() } } }, async (request) => {
    assertCan(actorOf(request), 'departments.read');
    return listDepartments(db);
  });
  r.post('/api/departments', { schema: { tags: ['org'], summary: 'Create a department', body: departmentInput, response: { 201: departmentSchema } } }, async (request, reply) => {
    const row = await createDepartment(db, actorOf(request), request.body);
    return reply.code(201).send(row);
  });
  r.patch('/api/departments/:id', { schema: { tags: ['org'], summary: 'Update a department', params: idParam, body: departmentInput.partial(), response: { 200: departmentSchema } } }, async (request) =>
    updateDepartment(db, actorOf(request), request.params.id, request.body),
  );

  r.get('/api/users', { schema: { tags: ['org'], summary: 'List users', response: { 200: publicUserSchema.array() } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'users.read');
    const users = await listUsers(db);
    // A head sees the people of their own department only.
    return actor.role === 'head' ? users.filter((u) => u.department_id === actor.departmentId) : users;
  });
  r.post('/api/users', { schema: { tags: ['org'], summary: 'Create a user (a password is generated when none is given)', body: userInput, response: { 201: createdUserSchema } } }, async (request, reply) => {
    const { user, password } = await createUser(db, actorOf(request), request.body);
    return reply.code(201).send({ user, initialPassword: request.body.password ? null : password });
  });
  r.patch('/api/users/:id', { schema: { tags: ['org'], summary: 'Update a user', params: idParam, body: userInput.partial(), response: { 200: publicUserSchema } } }, async (request) =>
    updateUser(db, actorOf(request), request.params.id, request.body),
  );
};
