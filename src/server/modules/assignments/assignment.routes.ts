import {
  itemAssignmentsSchema,
  planGroupParamsSchema,
  planItemParamsSchema,
  resolveGroupBodySchema,
  resolveGroupResultSchema,
  setAssignmentBodySchema,
} from '../../../shared/api/assignments';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { AssignmentService } from './assignment.service';

export function registerAssignmentRoutes(app: ApiInstance, assignments: AssignmentService) {
  app.put(
    '/api/v1/plans/:id/items/:itemId/assignments',
    {
      schema: {
        operationId: 'assignments.set',
        tags: ['assignments'],
        description:
          'Makes a department or group lead or support an item, or (role null) takes it off the item.',
        params: planItemParamsSchema,
        body: setAssignmentBodySchema,
        response: { 200: itemAssignmentsSchema },
      },
    },
    async (request) =>
      assignments.set(actorOf(request), request.params.id, request.params.itemId, request.body),
  );

  app.post(
    '/api/v1/plans/:id/groups/:groupId/resolve',
    {
      schema: {
        operationId: 'assignments.resolveGroup',
        tags: ['assignments'],
        description:
          'Replaces a group (各教学单位) or placeholder (相关职能部门) by the departments named, on the items named or all its items.',
        params: planGroupParamsSchema,
        body: resolveGroupBodySchema,
        response: { 200: resolveGroupResultSchema },
      },
    },
    async (request) =>
      assignments.resolveGroup(
        actorOf(request),
        request.params.id,
        request.params.groupId,
        request.body,
      ),
  );
}
