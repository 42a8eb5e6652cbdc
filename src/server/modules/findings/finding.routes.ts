import { XLSX } from '../../../shared/api/operation';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { findingsApi } from '../../../shared/api/findings';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { FindingService } from './finding.service';
import { requestLocale } from '../../http/request-locale';

export function registerFindingRoutes(app: ApiInstance, findings: FindingService) {
  route(app, findingsApi.list, async (request) =>
    findings.list(actorOf(request), request.params.id, request.query),
  );

  route(app, findingsApi.create, async (request) =>
    findings.create(actorOf(request), request.params.id, request.body),
  );

  route(app, findingsApi.export, async (request, reply) => {
    const { fileName, bytes } = await findings.exportXlsx(
      actorOf(request),
      request.params.id,
      request.query,
      requestLocale(request),
    );
    return reply
      .type(XLSX)
      .header('content-disposition', attachment(fileName, 'findings.xlsx'))
      .send(bytes);
  });

  route(app, findingsApi.get, async (request) =>
    findings.get(actorOf(request), request.params.id, request.params.findingId),
  );

  route(app, findingsApi.update, async (request) =>
    findings.update(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  route(app, findingsApi.recordAction, async (request) =>
    findings.recordAction(
      actorOf(request),
      request.params.id,
      request.params.findingId,
      request.body,
    ),
  );

  route(app, findingsApi.requestVerification, async (request) =>
    findings.requestVerification(
      actorOf(request),
      request.params.id,
      request.params.findingId,
      request.body,
    ),
  );

  route(app, findingsApi.verify, async (request) =>
    findings.verify(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  route(app, findingsApi.reopen, async (request) =>
    findings.reopen(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  route(app, findingsApi.plansNextYearPreview, async (request) =>
    findings.previewNextYear(actorOf(request), request.params.id),
  );

  route(app, findingsApi.plansStartNextYear, async (request) =>
    findings.startNextYear(actorOf(request), request.params.id, request.body),
  );
}
