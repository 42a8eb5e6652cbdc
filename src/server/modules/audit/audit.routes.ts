import { z } from 'zod';
import { auditEntryViewSchema, auditQuerySchema } from '../../../shared/api/contracts';
import type { Database } from '../../db/client';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { listAudit } from './audit.service';

export function registerAuditRoutes(app: ApiInstance, db: Database) {
  app.get('/api/v1/audit', {
    schema: { operationId: 'audit.list', tags: ['audit'], querystring: auditQuerySchema, response: { 200: z.array(auditEntryViewSchema) } },
  }, async (request) => listAudit(db, actorOf(request), request.query));
}
