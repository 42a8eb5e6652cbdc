import { standardsApi } from '../../../shared/api/standards';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { StandardService } from './standard.service';

export function registerStandardRoutes(app: ApiInstance, standards: StandardService) {
  route(app, standardsApi.list, async (request) => standards.list(actorOf(request)));

  route(app, standardsApi.get, async (request) =>
    standards.get(actorOf(request), request.params.id),
  );
}
