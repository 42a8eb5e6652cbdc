import { plansApi } from '../../../shared/api/plans';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { PlanService } from './plan.service';

export function registerPlanRoutes(app: ApiInstance, plans: PlanService) {
  route(app, plansApi.list, async (request) => plans.list(actorOf(request)));

  route(app, plansApi.get, async (request) => plans.get(actorOf(request), request.params.id));

  route(app, plansApi.tree, async (request) => plans.tree(actorOf(request), request.params.id));
}
