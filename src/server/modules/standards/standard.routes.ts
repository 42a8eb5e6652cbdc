import { z } from 'zod';
import {
  idParamsSchema,
  standardSummarySchema,
  standardTreeSchema,
} from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { StandardService } from './standard.service';

export function registerStandardRoutes(app: ApiInstance, standards: StandardService) {
  app.get(
    '/api/v1/standards',
    {
      schema: {
        operationId: 'standards.list',
        tags: ['standards'],
        response: { 200: z.array(standardSummarySchema) },
      },
    },
    async (request) => standards.list(actorOf(request)),
  );

  app.get(
    '/api/v1/standards/:id',
    {
      schema: {
        operationId: 'standards.get',
        tags: ['standards'],
        params: idParamsSchema,
        response: { 200: standardTreeSchema },
      },
    },
    async (request) => standards.get(actorOf(request), request.params.id),
  );
}
