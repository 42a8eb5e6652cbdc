import { oversightApi } from '../../../shared/api/oversight';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { OversightService } from './oversight.service';

export function registerOversightRoutes(app: ApiInstance, oversight: OversightService) {
  route(app, oversightApi.overview, async (request) =>
    oversight.overview(actorOf(request), request.query),
  );

  route(app, oversightApi.institution, async (request) =>
    oversight.institution(actorOf(request), request.params.id),
  );

  route(app, oversightApi.dashboard, async (request) =>
    oversight.dashboard(actorOf(request), request.params.id, request.params.planId),
  );

  route(app, oversightApi.tree, async (request) =>
    oversight.tree(actorOf(request), request.params.id, request.params.planId),
  );
}
