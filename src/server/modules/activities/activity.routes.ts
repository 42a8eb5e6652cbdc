import { route } from '../../http/route';
import { activitiesApi } from '../../../shared/api/activities';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { ActivityService } from './activity.service';

export function registerActivityRoutes(app: ApiInstance, service: ActivityService) {
  route(app, activitiesApi.kinds, async (request) => service.kinds(actorOf(request)));
  route(app, activitiesApi.createKind, async (request) =>
    service.createKind(actorOf(request), request.body),
  );
  route(app, activitiesApi.list, async (request) => service.list(actorOf(request), request.query));
  route(app, activitiesApi.record, async (request) =>
    service.record(actorOf(request), request.body),
  );
  route(app, activitiesApi.delete, async (request, reply) => {
    await service.remove(actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });
  route(app, activitiesApi.readSignInSheet, async (request) =>
    service.readSignInSheet(actorOf(request), await readUpload(request)),
  );
  route(app, activitiesApi.coverageRules, async (request) => service.rules(actorOf(request)));
  route(app, activitiesApi.coverageCreateRule, async (request) =>
    service.createRule(actorOf(request), request.body),
  );
  route(app, activitiesApi.coverageGet, async (request) =>
    service.coverage(actorOf(request), request.query.asOf),
  );
}
