import { idParamsSchema } from './contracts';
import {
  extensionListQuerySchema,
  extensionListSchema,
  extensionTargetsQuerySchema,
  extensionTargetsSchema,
  createExtensionBodySchema,
  extensionViewSchema,
  extensionParamsSchema,
  decideExtensionBodySchema,
} from './plans';
import { departmentEditors, organizationStaff } from '../access';
import { defineOperation } from './operation';

export const extensionsApi = {
  list: defineOperation({
    id: 'extensions.list',
    method: 'GET',
    path: '/api/v1/plans/:id/extensions',
    params: idParamsSchema,
    query: extensionListQuerySchema,
    response: extensionListSchema,
    access: [...departmentEditors, 'leader'],
  }),
  targets: defineOperation({
    id: 'extensions.targets',
    method: 'GET',
    path: '/api/v1/plans/:id/extension-targets',
    description: "A department's deadlines it may ask to extend.",
    params: idParamsSchema,
    query: extensionTargetsQuerySchema,
    response: extensionTargetsSchema,
    access: departmentEditors,
  }),
  create: defineOperation({
    id: 'extensions.create',
    method: 'POST',
    path: '/api/v1/plans/:id/extensions',
    params: idParamsSchema,
    body: createExtensionBodySchema,
    response: extensionViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  decide: defineOperation({
    id: 'extensions.decide',
    method: 'POST',
    path: '/api/v1/plans/:id/extensions/:requestId/decision',
    params: extensionParamsSchema,
    body: decideExtensionBodySchema,
    response: extensionViewSchema,
    access: organizationStaff,
  }),
};
