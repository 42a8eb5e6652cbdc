import { defineOperation } from './operation';
import { z } from 'zod';
import { idParamsSchema, planDetailSchema, planSummarySchema, planTreeSchema } from './contracts';
import { workingRoles } from '../access';

/** The plans operations: what the server serves and the web calls. */
export const plansApi = {
  list: defineOperation({
    id: 'plans.list',
    method: 'GET',
    path: '/api/v1/plans',
    tags: ['plans'],
    response: z.array(planSummarySchema),
    access: workingRoles,
  }),
  get: defineOperation({
    id: 'plans.get',
    method: 'GET',
    path: '/api/v1/plans/:id',
    tags: ['plans'],
    params: idParamsSchema,
    response: planDetailSchema,
    access: workingRoles,
  }),
  tree: defineOperation({
    id: 'plans.tree',
    method: 'GET',
    path: '/api/v1/plans/:id/tree',
    tags: ['plans'],
    params: idParamsSchema,
    response: planTreeSchema,
    access: workingRoles,
  }),
} as const;
