import { z } from 'zod';
import {
  createUserBodySchema,
  idParamsSchema,
  updateUserBodySchema,
  userViewSchema,
  userWithOneTimePasswordSchema,
} from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { userImportQuerySchema, userImportResultSchema } from '../../../shared/api/users';
import { pickLocale } from '../../../shared/locale';
import { readUpload } from '../../http/upload';
import type { UserService } from './user.service';

export function registerUserRoutes(app: ApiInstance, users: UserService) {
  app.get(
    '/api/v1/users',
    {
      schema: {
        operationId: 'users.list',
        tags: ['users'],
        response: { 200: z.array(userViewSchema) },
      },
    },
    async (request) => users.list(actorOf(request)),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        operationId: 'users.create',
        tags: ['users'],
        body: createUserBodySchema,
        response: { 201: userWithOneTimePasswordSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await users.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/v1/users/template.xlsx',
    {
      schema: {
        operationId: 'users.template',
        tags: ['users'],
        description:
          "The users sheet to fill in Excel (用户名 姓名 角色 所属部门 邮箱 电话), with an example row and drop-down lists of the roles and the organization's departments.",
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await users.template(actorOf(request));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="users-template.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .header('cache-control', 'no-store')
        .send(bytes);
    },
  );

  app.post(
    '/api/v1/users/import',
    {
      schema: {
        operationId: 'users.import',
        tags: ['users'],
        description:
          'Create many users from a filled-in users sheet (.xlsx, multipart field "file"). With dryRun=true, who would be created and every row\'s problems; without, all or nothing in one transaction, answering each one-time password once (also as an .xlsx in base64).',
        consumes: ['multipart/form-data'],
        querystring: userImportQuerySchema,
        response: { 200: userImportResultSchema },
      },
    },
    async (request, reply) => {
      const result = await users.importSheet(
        actorOf(request),
        await readUpload(request),
        request.query,
        pickLocale(request.headers['accept-language']),
      );
      return reply.header('cache-control', 'no-store').send(result);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        operationId: 'users.update',
        tags: ['users'],
        params: idParamsSchema,
        body: updateUserBodySchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => users.update(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/users/:id/password-reset',
    {
      schema: {
        operationId: 'users.resetPassword',
        tags: ['users'],
        params: idParamsSchema,
        response: { 200: userWithOneTimePasswordSchema },
      },
    },
    async (request) => users.resetPassword(actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/users/:id/unlock',
    {
      schema: {
        operationId: 'users.unlock',
        tags: ['users'],
        description: 'Lets a locked account sign in again now (security admin).',
        params: idParamsSchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => users.unlock(actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/users/:id/totp-reset',
    {
      schema: {
        operationId: 'users.resetTotp',
        tags: ['users'],
        description:
          "Removes a user's lost authenticator (security admin); their sessions end and they enrol again.",
        params: idParamsSchema,
        response: { 200: userViewSchema },
      },
    },
    async (request) => users.resetTotp(actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/users/:id/sign-out-everywhere',
    {
      schema: {
        operationId: 'users.signOutEverywhere',
        tags: ['users'],
        params: idParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await users.signOutEverywhere(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
