import { organizationsApi } from '../../../shared/api/organizations';
import { route } from '../../http/route';
import type { Database } from '../../db/client';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { currentOrganization } from './organization.service';

export function registerOrganizationRoutes(app: ApiInstance, db: Database) {
  route(app, organizationsApi.current, async (request) =>
    currentOrganization(db, actorOf(request)),
  );
}
