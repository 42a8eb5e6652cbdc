import { assignmentsApi } from '../../../shared/api/assignments';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { AssignmentService } from './assignment.service';

export function registerAssignmentRoutes(app: ApiInstance, assignments: AssignmentService) {
  route(app, assignmentsApi.set, async (request) =>
    assignments.set(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  route(app, assignmentsApi.resolveGroup, async (request) =>
    assignments.resolveGroup(
      actorOf(request),
      request.params.id,
      request.params.groupId,
      request.body,
    ),
  );
}
