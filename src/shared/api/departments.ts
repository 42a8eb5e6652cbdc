import { defineOperation } from './operation';
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
} from './contracts';
import { organizationStaff, workingRoles } from '../access';

/** The departments operations: what the server serves and the web calls. */
export const departmentsApi = {
  list: defineOperation({
    id: 'departments.list',
    method: 'GET',
    path: '/api/v1/departments',
    tags: ['departments'],
    response: z.array(departmentViewSchema),
    // the security admin names a liaison's department when managing accounts; department names are not business records
    access: [...workingRoles, 'security_admin'],
  }),
  create: defineOperation({
    id: 'departments.create',
    method: 'POST',
    path: '/api/v1/departments',
    tags: ['departments'],
    body: createDepartmentBodySchema,
    response: departmentViewSchema,
    status: 201,
    access: organizationStaff,
  }),
  update: defineOperation({
    id: 'departments.update',
    method: 'PATCH',
    path: '/api/v1/departments/:id',
    tags: ['departments'],
    params: idParamsSchema,
    body: updateDepartmentBodySchema,
    response: departmentViewSchema,
    access: organizationStaff,
  }),
  createMany: defineOperation({
    id: 'departments.createMany',
    method: 'POST',
    path: '/api/v1/departments/batch',
    tags: ['departments'],
    body: createDepartmentsBodySchema,
    response: z.array(departmentViewSchema),
    status: 201,
    access: organizationStaff,
  }),
  merge: defineOperation({
    id: 'departments.merge',
    method: 'POST',
    path: '/api/v1/departments/:id/merge',
    tags: ['departments'],
    description:
      'Folds this department into another: its names become aliases there, and its assignments, task breakdowns and users move over.',
    params: idParamsSchema,
    body: mergeDepartmentBodySchema,
    response: departmentViewSchema,
    access: organizationStaff,
  }),
  delete: defineOperation({
    id: 'departments.delete',
    method: 'DELETE',
    path: '/api/v1/departments/:id',
    tags: ['departments'],
    params: idParamsSchema,
    query: versionQuerySchema,
    response: z.null(),
    status: 204,
    access: organizationStaff,
  }),
  departmentGroupsList: defineOperation({
    id: 'departmentGroups.list',
    method: 'GET',
    path: '/api/v1/department-groups',
    tags: ['departments'],
    response: z.array(departmentGroupViewSchema),
    access: workingRoles,
  }),
} as const;
