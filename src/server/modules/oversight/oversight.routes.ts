import { dashboardSchema } from '../../../shared/api/breakdowns';
import { planTreeSchema } from '../../../shared/api/contracts';
import {
  institutionDetailSchema,
  institutionParamsSchema,
  institutionPlanParamsSchema,
  overviewQuerySchema,
  overviewSchema,
} from '../../../shared/api/oversight';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { OversightService } from './oversight.service';

const base = '/api/v1/oversight/institutions';

export function registerOversightRoutes(app: ApiInstance, oversight: OversightService) {
  app.get(
    base,
    {
      schema: {
        operationId: 'oversight.overview',
        tags: ['oversight'],
        querystring: overviewQuerySchema,
        response: { 200: overviewSchema },
      },
    },
    async (request) => oversight.overview(actorOf(request), request.query),
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        operationId: 'oversight.institution',
        tags: ['oversight'],
        params: institutionParamsSchema,
        response: { 200: institutionDetailSchema },
      },
    },
    async (request) => oversight.institution(actorOf(request), request.params.id),
  );

  app.get(
    `${base}/:id/plans/:planId/dashboard`,
    {
      schema: {
        operationId: 'oversight.dashboard',
        tags: ['oversight'],
        params: institutionPlanParamsSchema,
        response: { 200: dashboardSchema },
      },
    },
    async (request) =>
      oversight.dashboard(actorOf(request), request.params.id, request.params.planId),
  );

  app.get(
    `${base}/:id/plans/:planId/tree`,
    {
      schema: {
        operationId: 'oversight.tree',
        tags: ['oversight'],
        params: institutionPlanParamsSchema,
        response: { 200: planTreeSchema },
      },
    },
    async (request) => oversight.tree(actorOf(request), request.params.id, request.params.planId),
  );
}
