import { asciiStandIn, attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { conductReportsApi } from '../../../shared/api/conduct-reports';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { ConductReportService } from './conduct-report.service';

/** Three attachments of 2 MB in base64 and the text. */
const SUBMISSION_BODY_LIMIT = 10 * 1024 * 1024;

export function registerConductReportRoutes(app: ApiInstance, reports: ConductReportService) {
  route(
    app,
    conductReportsApi.submit,
    async (request) => reports.submit(request.params.organizationId, request.body),
    { bodyLimit: SUBMISSION_BODY_LIMIT },
  );

  route(app, conductReportsApi.institutions, async () => reports.institutions());

  route(app, conductReportsApi.follow, async (request) => reports.follow(request.body.receipt));

  route(
    app,
    conductReportsApi.addInformation,
    async (request) => reports.addInformation(request.body.receipt, request.body),
    { bodyLimit: SUBMISSION_BODY_LIMIT },
  );

  route(app, conductReportsApi.list, async (request) => reports.list(actorOf(request)));

  route(app, conductReportsApi.figures, async (request) =>
    reports.figures(actorOf(request), request.query.year),
  );

  route(app, conductReportsApi.get, async (request) =>
    reports.get(actorOf(request), request.params.id),
  );

  route(app, conductReportsApi.transition, async (request) =>
    reports.transition(actorOf(request), request.params.id, request.body),
  );

  route(app, conductReportsApi.answer, async (request) =>
    reports.answer(actorOf(request), request.params.id, request.body.text),
  );

  route(app, conductReportsApi.exportDocx, async (request, reply) => {
    const bytes = await reports.exportDocx(actorOf(request), request.params.id);
    return reply
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', attachment('师德举报案件.docx', 'conduct-case.docx'))
      .header('cache-control', 'private, no-store')
      .send(bytes);
  });

  route(app, conductReportsApi.requestContact, async (request) =>
    reports.requestContact(actorOf(request), request.params.id, request.body.reason),
  );

  route(app, conductReportsApi.approveContact, async (request) =>
    reports.approveContact(actorOf(request), request.params.id, request.params.requestId),
  );

  route(app, conductReportsApi.matchTeacher, async (request) =>
    reports.matchTeacher(actorOf(request), request.params.id, request.body),
  );

  route(app, conductReportsApi.searchRoster, async (request) =>
    reports.searchRoster(actorOf(request), request.query.q),
  );

  route(app, conductReportsApi.attachDecision, async (request) =>
    reports.attachDecision(actorOf(request), request.params.id, await readUpload(request)),
  );

  route(
    app,
    conductReportsApi.file,
    async (request, reply) => {
      const file = await reports.file(actorOf(request), request.params.id, request.params.fileId);
      return reply
        .type(file.mediaType)
        .header(
          'content-disposition',
          attachment(file.fileName, asciiStandIn(file.fileName, 'case-file')),
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
    {
      onSend: async (_request, reply) => {
        if (reply.statusCode === 200)
          reply.header('content-security-policy', "sandbox; default-src 'none'");
      },
    },
  );
}
