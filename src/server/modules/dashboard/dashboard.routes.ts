import { dashboardApi } from '../../../shared/api/dashboard';
import { actorOf } from '../../http/access-control';
import { route } from '../../http/route';
import type { ApiInstance } from '../../http/types';
import type { DashboardService } from './dashboard.service';

export function registerDashboardRoutes(app: ApiInstance, dashboard: DashboardService) {
  route(app, dashboardApi.year, async (request) =>
    dashboard.year(actorOf(request), request.params.id),
  );
}
