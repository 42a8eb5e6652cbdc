import { route } from '../../http/route';
import { plansApi } from '../../../shared/api/plans';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { PlanEditService } from './plan-edit.service';

/** 方案维护: the office edits a plan's phases, deadlines and items; each change is a revision. */
export function registerPlanEditRoutes(app: ApiInstance, edits: PlanEditService) {
  route(app, plansApi.updatePhase, async (request) =>
    edits.updatePhase(actorOf(request), request.params.id, request.params.phaseId, request.body),
  );

  route(app, plansApi.updateDeliverable, async (request) =>
    edits.updateDeliverable(
      actorOf(request),
      request.params.id,
      request.params.deliverableId,
      request.body,
    ),
  );

  route(app, plansApi.createItem, async (request) =>
    edits.createItem(actorOf(request), request.params.id, request.body),
  );

  route(app, plansApi.updateItem, async (request) =>
    edits.updateItem(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  route(app, plansApi.itemDependents, async (request) =>
    edits.itemDependents(actorOf(request), request.params.id, request.params.itemId),
  );

  route(app, plansApi.retireItem, async (request) =>
    edits.retireItem(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  route(app, plansApi.revisions, async (request) =>
    edits.revisions(actorOf(request), request.params.id),
  );
}
