import { defineOperation } from './operation';
import { organizationViewSchema } from './contracts';
import { workingRoles } from '../access';

/** The organizations operations: what the server serves and the web calls. */
export const organizationsApi = {
  current: defineOperation({
    id: 'organizations.current',
    method: 'GET',
    path: '/api/v1/organization',
    tags: ['organizations'],
    response: organizationViewSchema,
    access: workingRoles,
  }),
} as const;
