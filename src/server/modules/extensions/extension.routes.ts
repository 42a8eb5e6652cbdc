import { idParamsSchema } from '../../../shared/api/contracts';
import {
  createExtensionBodySchema,
  decideExtensionBodySchema,
  extensionListQuerySchema,
  extensionListSchema,
  extensionParamsSchema,
  extensionTargetsQuerySchema,
  extensionTargetsSchema,
  extensionViewSchema,
} from '../../../shared/api/plans';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ExtensionService } from './extension.service';

const tags = ['extensions'];

/** 延期申请: departments ask for a later deadline, the office decides. */
export function registerExtensionRoutes(app: ApiInstance, extensions: ExtensionService) {
  app.get(
    '/api/v1/plans/:id/extensions',
    {
      schema: {
        operationId: 'extensions.list',
        tags,
        params: idParamsSchema,
        querystring: extensionListQuerySchema,
        response: { 200: extensionListSchema },
      },
    },
    async (request) => extensions.list(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/plans/:id/extension-targets',
    {
      schema: {
        operationId: 'extensions.targets',
        tags,
        description: "A department's deadlines it may ask to extend.",
        params: idParamsSchema,
        querystring: extensionTargetsQuerySchema,
        response: { 200: extensionTargetsSchema },
      },
    },
    async (request) =>
      extensions.targets(actorOf(request), request.params.id, request.query.departmentId),
  );

  app.post(
    '/api/v1/plans/:id/extensions',
    {
      schema: {
        operationId: 'extensions.create',
        tags,
        params: idParamsSchema,
        body: createExtensionBodySchema,
        response: { 201: extensionViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await extensions.create(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/plans/:id/extensions/:requestId/decision',
    {
      schema: {
        operationId: 'extensions.decide',
        tags,
        params: extensionParamsSchema,
        body: decideExtensionBodySchema,
        response: { 200: extensionViewSchema },
      },
    },
    async (request) =>
      extensions.decide(
        actorOf(request),
        request.params.id,
        request.params.requestId,
        request.body,
      ),
  );
}
