import { organizationViewSchema } from '../../../shared/api/contracts';
import type { Database } from '../../db/client';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { currentOrganization } from './organization.service';

export function registerOrganizationRoutes(app: ApiInstance, db: Database) {
  app.get(
    '/api/v1/organization',
    {
      schema: {
        operationId: 'organizations.current',
        tags: ['organizations'],
        response: { 200: organizationViewSchema },
      },
    },
    async (request) => currentOrganization(db, actorOf(request)),
  );
}
