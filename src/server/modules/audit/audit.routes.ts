import { XLSX } from '../../../shared/api/operation';
import { auditApi } from '../../../shared/api/audit';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { AuditService } from './audit.service';

export function registerAuditRoutes(app: ApiInstance, audit: AuditService) {
  route(app, auditApi.list, async (request) => audit.search(actorOf(request), request.query));

  route(app, auditApi.export, async (request, reply) => {
    const { fileName, bytes } = await audit.exportXlsx(actorOf(request), request.query);
    return reply
      .type(XLSX)
      .header('cache-control', 'no-store')
      .header('content-disposition', attachment(fileName, 'audit-log.xlsx'))
      .send(bytes);
  });
}
