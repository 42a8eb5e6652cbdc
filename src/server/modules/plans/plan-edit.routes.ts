import {
  deliverableViewSchema,
  idParamsSchema,
  phaseViewSchema,
} from '../../../shared/api/contracts';
import {
  createItemBodySchema,
  itemDependentsSchema,
  itemRefSchema,
  planDeliverableParamsSchema,
  planItemParamsSchema,
  planPhaseParamsSchema,
  planRevisionListSchema,
  retireItemBodySchema,
  updateDeliverableBodySchema,
  updateItemBodySchema,
  updatePhaseBodySchema,
} from '../../../shared/api/plans';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { PlanEditService } from './plan-edit.service';

const tags = ['plans'];

/** 方案维护: the office edits a plan's phases, deadlines and items; each change is a revision. */
export function registerPlanEditRoutes(app: ApiInstance, edits: PlanEditService) {
  app.patch(
    '/api/v1/plans/:id/phases/:phaseId',
    {
      schema: {
        operationId: 'plans.updatePhase',
        tags,
        params: planPhaseParamsSchema,
        body: updatePhaseBodySchema,
        response: { 200: phaseViewSchema },
      },
    },
    async (request) =>
      edits.updatePhase(actorOf(request), request.params.id, request.params.phaseId, request.body),
  );

  app.patch(
    '/api/v1/plans/:id/deliverables/:deliverableId',
    {
      schema: {
        operationId: 'plans.updateDeliverable',
        tags,
        params: planDeliverableParamsSchema,
        body: updateDeliverableBodySchema,
        response: { 200: deliverableViewSchema },
      },
    },
    async (request) =>
      edits.updateDeliverable(
        actorOf(request),
        request.params.id,
        request.params.deliverableId,
        request.body,
      ),
  );

  app.post(
    '/api/v1/plans/:id/items',
    {
      schema: {
        operationId: 'plans.createItem',
        tags,
        params: idParamsSchema,
        body: createItemBodySchema,
        response: { 201: itemRefSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await edits.createItem(actorOf(request), request.params.id, request.body)),
  );

  app.patch(
    '/api/v1/plans/:id/items/:itemId',
    {
      schema: {
        operationId: 'plans.updateItem',
        tags,
        params: planItemParamsSchema,
        body: updateItemBodySchema,
        response: { 200: itemRefSchema },
      },
    },
    async (request) =>
      edits.updateItem(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  app.get(
    '/api/v1/plans/:id/items/:itemId/dependents',
    {
      schema: {
        operationId: 'plans.itemDependents',
        tags,
        description: 'What depends on an item in the plan: shown before it is retired.',
        params: planItemParamsSchema,
        response: { 200: itemDependentsSchema },
      },
    },
    async (request) =>
      edits.itemDependents(actorOf(request), request.params.id, request.params.itemId),
  );

  app.post(
    '/api/v1/plans/:id/items/:itemId/retire',
    {
      schema: {
        operationId: 'plans.retireItem',
        tags,
        params: planItemParamsSchema,
        body: retireItemBodySchema,
        response: { 200: itemRefSchema },
      },
    },
    async (request) =>
      edits.retireItem(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  app.get(
    '/api/v1/plans/:id/revisions',
    {
      schema: {
        operationId: 'plans.revisions',
        tags,
        description: "The plan's change log (方案修订记录), newest first.",
        params: idParamsSchema,
        response: { 200: planRevisionListSchema },
      },
    },
    async (request) => edits.revisions(actorOf(request), request.params.id),
  );
}
