import { auditFilterSchema, auditPageSchema, auditQuerySchema } from '../../../shared/api/audit';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { AuditService } from './audit.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerAuditRoutes(app: ApiInstance, audit: AuditService) {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        operationId: 'audit.list',
        tags: ['audit'],
        description:
          'The audit log, newest first, one page with the total: filters by Beijing dates, actor, action (or its family), entity, address and free text.',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => audit.search(actorOf(request), request.query),
  );

  app.get(
    '/api/v1/audit/export.xlsx',
    {
      schema: {
        operationId: 'audit.export',
        tags: ['audit'],
        description:
          'The entries the same filters find, as .xlsx (formula-safe); refused above 100,000 entries.',
        querystring: auditFilterSchema,
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await audit.exportXlsx(actorOf(request), request.query);
      return reply
        .type(XLSX)
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="audit-log.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .send(bytes);
    },
  );
}
