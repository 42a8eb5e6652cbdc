import { z } from 'zod';
import { createUserBodySchema, idParamsSchema, updateUserBodySchema, userViewSchema, userWithOneTimePasswordSchema } from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { UserService } from './user.service';

export function registerUserRoutes(app: ApiInstance, users: UserService) {
  app.get('/api/v1/users', {
    schema: { operationId: 'users.list', tags: ['users'], response: { 200: z.array(userViewSchema) } },
  }, async (request) => users.list(actorOf(request)));

  app.post('/api/v1/users', {
    schema: { operationId: 'users.create', tags: ['users'], body: createUserBodySchema, response: { 201: userWithOneTimePasswordSchema } },
  }, async (request, reply) => reply.code(201).send(await users.create(actorOf(request), request.body)));

  app.patch('/api/v1/users/:id', {
    schema: { operationId: 'users.update', tags: ['users'], params: idParamsSchema, body: updateUserBodySchema, response: { 200: userViewSchema } },
  }, async (request) => users.update(actorOf(request), request.params.id, request.body));

  app.post('/api/v1/users/:id/password-reset', {
    schema: { operationId: 'users.resetPassword', tags: ['users'], params: idParamsSchema, response: { 200: userWithOneTimePasswordSchema } },
  }, async (request) => users.resetPassword(actorOf(request), request.params.id));
}
