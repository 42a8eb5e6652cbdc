import { z } from 'zod';
import {
  createDepartmentBodySchema,
  departmentGroupViewSchema,
  departmentViewSchema,
  idParamsSchema,
  updateDepartmentBodySchema,
} from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { DepartmentService } from './department.service';

export function registerDepartmentRoutes(app: ApiInstance, departments: DepartmentService) {
  app.get('/api/v1/departments', {
    schema: { operationId: 'departments.list', tags: ['departments'], response: { 200: z.array(departmentViewSchema) } },
  }, async (request) => departments.list(actorOf(request)));

  app.post('/api/v1/departments', {
    schema: { operationId: 'departments.create', tags: ['departments'], body: createDepartmentBodySchema, response: { 201: departmentViewSchema } },
  }, async (request, reply) => reply.code(201).send(await departments.create(actorOf(request), request.body)));

  app.patch('/api/v1/departments/:id', {
    schema: { operationId: 'departments.update', tags: ['departments'], params: idParamsSchema, body: updateDepartmentBodySchema, response: { 200: departmentViewSchema } },
  }, async (request) => departments.update(actorOf(request), request.params.id, request.body));

  app.get('/api/v1/department-groups', {
    schema: { operationId: 'departmentGroups.list', tags: ['departments'], response: { 200: z.array(departmentGroupViewSchema) } },
  }, async (request) => departments.listGroups(actorOf(request)));
}
