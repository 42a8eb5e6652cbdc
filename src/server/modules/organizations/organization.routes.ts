import {
  organizationViewSchema,
  updateOrganizationBodySchema,
} from '../../../shared/api/contracts';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { currentOrganization, setOrganizationTimeZone } from './organization.service';

export function registerOrganizationRoutes(app: ApiInstance, db: Database, clock?: Clock) {
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

  if (clock)
    app.patch(
      '/api/v1/organization',
      {
        schema: {
          operationId: 'organizations.update',
          tags: ['organizations'],
          description:
            "The institution's settings: its time zone (IANA, Asia/Shanghai by default).",
          body: updateOrganizationBodySchema,
          response: { 200: organizationViewSchema },
        },
      },
      async (request) =>
        setOrganizationTimeZone(db, clock, actorOf(request), request.body.timeZone),
    );
}
