import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import {
  complianceQuerySchema,
  complianceSchema,
  createObligationBodySchema,
  departmentObligationsParamsSchema,
  departmentObligationsSchema,
  obligationListQuerySchema,
  obligationListSchema,
  obligationParamsSchema,
  obligationViewSchema,
  occurrenceListQuerySchema,
  occurrenceListSchema,
  occurrenceParamsSchema,
  occurrenceViewSchema,
  proposeResultSchema,
  recordOccurrenceBodySchema,
  updateObligationBodySchema,
} from '../../../shared/api/obligations';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ObligationService } from './obligation.service';

const base = '/api/v1/plans/:id/obligations';

export function registerObligationRoutes(app: ApiInstance, obligations: ObligationService) {
  app.get(
    base,
    {
      schema: {
        operationId: 'obligations.list',
        tags: ['obligations'],
        params: idParamsSchema,
        querystring: obligationListQuerySchema,
        response: { 200: obligationListSchema },
      },
    },
    async (request) => ({
      obligations: await obligations.list(
        actorOf(request),
        request.params.id,
        request.query.status,
      ),
    }),
  );

  app.post(
    `${base}/propose`,
    {
      schema: {
        operationId: 'obligations.propose',
        tags: ['obligations'],
        description:
          'Reads every item of the plan and records the obligations its text states (每学期至少1次, 100%). Proposing again creates only what is new; nothing already recorded is changed.',
        params: idParamsSchema,
        response: { 200: proposeResultSchema },
      },
    },
    async (request) => obligations.propose(actorOf(request), request.params.id),
  );

  app.post(
    base,
    {
      schema: {
        operationId: 'obligations.create',
        tags: ['obligations'],
        params: idParamsSchema,
        body: createObligationBodySchema,
        response: { 201: obligationViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await obligations.create(actorOf(request), request.params.id, request.body)),
  );

  app.patch(
    `${base}/:obligationId`,
    {
      schema: {
        operationId: 'obligations.update',
        tags: ['obligations'],
        params: obligationParamsSchema,
        body: updateObligationBodySchema,
        response: { 200: obligationViewSchema },
      },
    },
    async (request) =>
      obligations.update(
        actorOf(request),
        request.params.id,
        request.params.obligationId,
        request.body,
      ),
  );

  app.get(
    `${base}/compliance`,
    {
      schema: {
        operationId: 'obligations.compliance',
        tags: ['obligations'],
        params: idParamsSchema,
        querystring: complianceQuerySchema,
        response: { 200: complianceSchema },
      },
    },
    async (request) => obligations.compliance(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/plans/:id/departments/:departmentId/obligations',
    {
      schema: {
        operationId: 'obligations.ofDepartment',
        tags: ['obligations'],
        params: departmentObligationsParamsSchema,
        response: { 200: departmentObligationsSchema },
      },
    },
    async (request) =>
      obligations.ofDepartment(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.get(
    '/api/v1/plans/:id/occurrences',
    {
      schema: {
        operationId: 'occurrences.list',
        tags: ['obligations'],
        params: idParamsSchema,
        querystring: occurrenceListQuerySchema,
        response: { 200: occurrenceListSchema },
      },
    },
    async (request) => ({
      occurrences: await obligations.listOccurrences(
        actorOf(request),
        request.params.id,
        request.query,
      ),
    }),
  );

  app.post(
    `${base}/:obligationId/occurrences`,
    {
      schema: {
        operationId: 'occurrences.record',
        tags: ['obligations'],
        params: obligationParamsSchema,
        body: recordOccurrenceBodySchema,
        response: { 201: occurrenceViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await obligations.recordOccurrence(
            actorOf(request),
            request.params.id,
            request.params.obligationId,
            request.body,
          ),
        ),
  );

  app.delete(
    '/api/v1/plans/:id/occurrences/:occurrenceId',
    {
      schema: {
        operationId: 'occurrences.delete',
        tags: ['obligations'],
        params: occurrenceParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await obligations.deleteOccurrence(
        actorOf(request),
        request.params.id,
        request.params.occurrenceId,
      );
      return reply.code(204).send(null);
    },
  );
}
