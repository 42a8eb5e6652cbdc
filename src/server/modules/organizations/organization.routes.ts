import { route } from '../../http/route';
import { organizationsApi } from '../../../shared/api/organizations';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { currentOrganization, setOrganizationTimeZone } from './organization.service';

export function registerOrganizationRoutes(app: ApiInstance, db: Database, clock?: Clock) {
  route(app, organizationsApi.current, async (request) =>
    currentOrganization(db, actorOf(request)),
  );

  if (clock)
    route(app, organizationsApi.update, async (request) =>
      setOrganizationTimeZone(db, clock, actorOf(request), request.body.timeZone),
    );
}
