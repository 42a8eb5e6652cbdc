import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import {
  activityKindBodySchema,
  activityKindListSchema,
  activityKindSchema,
  activityListQuerySchema,
  activityListSchema,
  coverageQuerySchema,
  coverageRuleBodySchema,
  coverageRuleListSchema,
  coverageRuleSchema,
  coverageSchema,
  recordActivityBodySchema,
  signInSheetResultSchema,
} from '../../../shared/api/activities';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { ActivityService } from './activity.service';

export function registerActivityRoutes(app: ApiInstance, service: ActivityService) {
  app.get(
    '/api/v1/activity-kinds',
    {
      schema: {
        operationId: 'activities.kinds',
        tags: ['activities'],
        response: { 200: activityKindListSchema },
      },
    },
    async (request) => service.kinds(actorOf(request)),
  );
  app.post(
    '/api/v1/activity-kinds',
    {
      schema: {
        operationId: 'activities.createKind',
        tags: ['activities'],
        body: activityKindBodySchema,
        response: { 201: activityKindSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createKind(actorOf(request), request.body)),
  );
  app.get(
    '/api/v1/activities',
    {
      schema: {
        operationId: 'activities.list',
        tags: ['activities'],
        querystring: activityListQuerySchema,
        response: { 200: activityListSchema },
      },
    },
    async (request) => ({ activities: await service.list(actorOf(request), request.query) }),
  );
  app.post(
    '/api/v1/activities',
    {
      schema: {
        operationId: 'activities.record',
        tags: ['activities'],
        description:
          'A department records an activity with its date, evidence and participants (from the roster).',
        body: recordActivityBodySchema,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.record(actorOf(request), request.body)),
  );
  app.delete(
    '/api/v1/activities/:id',
    {
      schema: {
        operationId: 'activities.delete',
        tags: ['activities'],
        params: idParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/activities/sign-in-sheet',
    {
      schema: {
        operationId: 'activities.readSignInSheet',
        tags: ['activities'],
        description:
          'A sign-in sheet (.xlsx, multipart field "file") matched to the roster by 工号 or name; writes nothing.',
        consumes: ['multipart/form-data'],
        response: { 200: signInSheetResultSchema },
      },
    },
    async (request) => service.readSignInSheet(actorOf(request), await readUpload(request)),
  );
  app.get(
    '/api/v1/coverage-rules',
    {
      schema: {
        operationId: 'coverage.rules',
        tags: ['activities'],
        response: { 200: coverageRuleListSchema },
      },
    },
    async (request) => service.rules(actorOf(request)),
  );
  app.post(
    '/api/v1/coverage-rules',
    {
      schema: {
        operationId: 'coverage.createRule',
        tags: ['activities'],
        body: coverageRuleBodySchema,
        response: { 201: coverageRuleSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createRule(actorOf(request), request.body)),
  );
  app.get(
    '/api/v1/coverage',
    {
      schema: {
        operationId: 'coverage.get',
        tags: ['activities'],
        description:
          'Each coverage rule as of a day: institution and department rates; the people still missing named for the office and for their own department only.',
        querystring: coverageQuerySchema,
        response: { 200: coverageSchema },
      },
    },
    async (request) => service.coverage(actorOf(request), request.query.asOf),
  );
}
