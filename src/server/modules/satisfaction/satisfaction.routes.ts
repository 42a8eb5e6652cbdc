import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import { satisfactionBodySchema, satisfactionListSchema } from '../../../shared/api/satisfaction';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { SatisfactionService } from './satisfaction.service';

export function registerSatisfactionRoutes(app: ApiInstance, service: SatisfactionService) {
  app.get(
    '/api/v1/satisfaction-results',
    {
      schema: {
        operationId: 'satisfaction.list',
        tags: ['satisfaction'],
        response: { 200: satisfactionListSchema },
      },
    },
    async (request) => ({ results: await service.list(actorOf(request)) }),
  );
  app.post(
    '/api/v1/satisfaction-results',
    {
      schema: {
        operationId: 'satisfaction.record',
        tags: ['satisfaction'],
        description:
          "A third party's satisfaction result for a year (items 27, 28): value, sample, source and its document as evidence.",
        body: satisfactionBodySchema,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.record(actorOf(request), request.body)),
  );
  app.delete(
    '/api/v1/satisfaction-results/:id',
    {
      schema: {
        operationId: 'satisfaction.delete',
        tags: ['satisfaction'],
        params: idParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
