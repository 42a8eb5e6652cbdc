import { defineOperation } from './operation';
import { organizationViewSchema } from './contracts';
import { workingRoles } from '../access';
import { updateOrganizationBodySchema } from './contracts';

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
  update: defineOperation({
    id: 'organizations.update',
    method: 'PATCH',
    path: '/api/v1/organization',
    tags: ['organizations'],
    description: "The institution's settings: its time zone (IANA, Asia/Shanghai by default).",
    body: updateOrganizationBodySchema,
    response: organizationViewSchema,
    access: ['admin'],
  }),
} as const;
