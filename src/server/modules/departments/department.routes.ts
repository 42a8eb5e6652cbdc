import { z } from 'zod';
import {
  createDepartmentBodySchema,
  createDepartmentsBodySchema,
  departmentGroupViewSchema,
  departmentViewSchema,
  idParamsSchema,
  mergeDepartmentBodySchema,
  updateDepartmentBodySchema,
  versionQuerySchema,
} from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { DepartmentService } from './department.service';

export function registerDepartmentRoutes(app: ApiInstance, departments: DepartmentService) {
  app.get(
    '/api/v1/departments',
    {
      schema: {
        operationId: 'departments.list',
        tags: ['departments'],
        response: { 200: z.array(departmentViewSchema) },
      },
    },
    async (request) => departments.list(actorOf(request)),
  );

  app.post(
    '/api/v1/departments',
    {
      schema: {
        operationId: 'departments.create',
        tags: ['departments'],
        body: createDepartmentBodySchema,
        response: { 201: departmentViewSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await departments.create(actorOf(request), request.body)),
  );

  app.patch(
    '/api/v1/departments/:id',
    {
      schema: {
        operationId: 'departments.update',
        tags: ['departments'],
        params: idParamsSchema,
        body: updateDepartmentBodySchema,
        response: { 200: departmentViewSchema },
      },
    },
    async (request) => departments.update(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/departments/batch',
    {
      schema: {
        operationId: 'departments.createMany',
        tags: ['departments'],
        body: createDepartmentsBodySchema,
        response: { 201: z.array(departmentViewSchema) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await departments.createMany(actorOf(request), request.body)),
  );

  app.post(
    '/api/v1/departments/:id/merge',
    {
      schema: {
        operationId: 'departments.merge',
        tags: ['departments'],
        description:
          'Folds this department into another: its names become aliases there, and its assignments, task breakdowns and users move over.',
        params: idParamsSchema,
        body: mergeDepartmentBodySchema,
        response: { 200: departmentViewSchema },
      },
    },
    async (request) => departments.merge(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/departments/:id',
    {
      schema: {
        operationId: 'departments.delete',
        tags: ['departments'],
        params: idParamsSchema,
        querystring: versionQuerySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await departments.remove(actorOf(request), request.params.id, request.query.version);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/department-groups',
    {
      schema: {
        operationId: 'departmentGroups.list',
        tags: ['departments'],
        response: { 200: z.array(departmentGroupViewSchema) },
      },
    },
    async (request) => departments.listGroups(actorOf(request)),
  );
}
