import { DOCX, XLSX } from '../../../shared/api/operation';
import { reportsApi } from '../../../shared/api/reports';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ReportService } from './report.service';
import { requestLocale } from '../../http/request-locale';

export function registerReportRoutes(app: ApiInstance, reports: ReportService) {
  route(app, reportsApi.request, async (request) =>
    reports.request(actorOf(request), request.params.id),
  );

  route(app, reportsApi.list, async (request) => reports.list(actorOf(request), request.params.id));

  route(app, reportsApi.get, async (request) =>
    reports.get(actorOf(request), request.params.reportId),
  );

  route(app, reportsApi.docx, async (request, reply) => {
    const { fileName, bytes } = await reports.docx(actorOf(request), request.params.reportId);
    return reply
      .type(DOCX)
      .header('content-disposition', attachment(fileName, 'quality-report.docx'))
      .send(bytes);
  });

  route(app, reportsApi.publish, async (request) =>
    reports.publish(actorOf(request), request.params.reportId),
  );

  route(app, reportsApi.review, async (request) =>
    reports.review(actorOf(request), request.params.reportId, request.body),
  );

  route(app, reportsApi.figureRecords, async (request) =>
    reports.figureRecords(actorOf(request), request.params.reportId, request.query),
  );

  route(app, reportsApi.performanceSheet, async (request, reply) => {
    const { fileName, bytes } = await reports.performanceSheet(
      actorOf(request),
      request.params.id,
      requestLocale(request),
    );
    return reply
      .type(XLSX)
      .header('content-disposition', attachment(fileName, 'performance-sheet.xlsx'))
      .send(bytes);
  });
}
