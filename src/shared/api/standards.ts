import { defineOperation } from './operation';
import { z } from 'zod';
import { idParamsSchema, standardSummarySchema, standardTreeSchema } from './contracts';
import { workingRoles } from '../access';

/** The standards operations: what the server serves and the web calls. */
export const standardsApi = {
  list: defineOperation({
    id: 'standards.list',
    method: 'GET',
    path: '/api/v1/standards',
    tags: ['standards'],
    response: z.array(standardSummarySchema),
    access: workingRoles,
  }),
  get: defineOperation({
    id: 'standards.get',
    method: 'GET',
    path: '/api/v1/standards/:id',
    tags: ['standards'],
    params: idParamsSchema,
    response: standardTreeSchema,
    access: workingRoles,
  }),
} as const;
