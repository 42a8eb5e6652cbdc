import { route } from '../../http/route';
import { extensionsApi } from '../../../shared/api/extensions';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ExtensionService } from './extension.service';

/** 延期申请: departments ask for a later deadline, the office decides. */
export function registerExtensionRoutes(app: ApiInstance, extensions: ExtensionService) {
  route(app, extensionsApi.list, async (request) =>
    extensions.list(actorOf(request), request.params.id, request.query),
  );

  route(app, extensionsApi.targets, async (request) =>
    extensions.targets(actorOf(request), request.params.id, request.query.departmentId),
  );

  route(app, extensionsApi.create, async (request) =>
    extensions.create(actorOf(request), request.params.id, request.body),
  );

  route(app, extensionsApi.decide, async (request) =>
    extensions.decide(actorOf(request), request.params.id, request.params.requestId, request.body),
  );
}
