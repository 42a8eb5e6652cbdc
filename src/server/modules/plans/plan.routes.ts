import { z } from 'zod';
import {
  idParamsSchema,
  planDetailSchema,
  planSummarySchema,
  planTreeSchema,
} from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { PlanService } from './plan.service';

export function registerPlanRoutes(app: ApiInstance, plans: PlanService) {
  app.get(
    '/api/v1/plans',
    {
      schema: {
        operationId: 'plans.list',
        tags: ['plans'],
        response: { 200: z.array(planSummarySchema) },
      },
    },
    async (request) => plans.list(actorOf(request)),
  );

  app.get(
    '/api/v1/plans/:id',
    {
      schema: {
        operationId: 'plans.get',
        tags: ['plans'],
        params: idParamsSchema,
        response: { 200: planDetailSchema },
      },
    },
    async (request) => plans.get(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/plans/:id/tree',
    {
      schema: {
        operationId: 'plans.tree',
        tags: ['plans'],
        params: idParamsSchema,
        response: { 200: planTreeSchema },
      },
    },
    async (request) => plans.tree(actorOf(request), request.params.id),
  );
}
