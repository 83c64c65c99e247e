import { z } from 'zod';
import type { App } from '../http/types.ts';
import { page } from '../http/pagination.contract.ts';
import { CreateUser, PasswordReset, ResetPassword, UpdateUser, User, UserCreated, UserListQuery } from './users.contract.ts';
import { createUser, getUser, listUsers, resetPassword, updateUser } from './users.service.ts';

const IdParam = z.object({ id: z.string().uuid() });

export function usersRoutes(app: App) {
  app.get('/api/v1/users', { config: { access: 'users.read' }, schema: { tags: ['users'], summary: 'List users', querystring: UserListQuery, response: { 200: page(User) } } }, (req) =>
    listUsers(req.ctx, req.query),
  );
  app.post(
    '/api/v1/users',
    { config: { access: 'users.manage', idempotent: true }, schema: { tags: ['users'], summary: 'Create (invite) a user', body: CreateUser, response: { 201: UserCreated } } },
    async (req, reply) => reply.code(201).send(await createUser(req.ctx, req.body)),
  );
  app.get('/api/v1/users/:id', { config: { access: 'users.read' }, schema: { tags: ['users'], summary: 'One user', params: IdParam, response: { 200: User } } }, (req) =>
    getUser(req.ctx, req.params.id),
  );
  app.patch(
    '/api/v1/users/:id',
    { config: { access: 'users.manage' }, schema: { tags: ['users'], summary: 'Change roles, name, or deactivate', params: IdParam, body: UpdateUser, response: { 200: User } } },
    (req) => updateUser(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/v1/users/:id/reset-password',
    { config: { access: 'users.manage' }, schema: { tags: ['users'], summary: 'Reset password (signs the user out everywhere)', params: IdParam, body: ResetPassword, response: { 200: PasswordReset } } },
    (req) => resetPassword(req.ctx, req.params.id, req.body.password),
  );
}
