import { formatErrorMessage } from '../../../shared/errors';
import { supervisionApi } from '../../../shared/api/supervision';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { SupervisionService } from './supervision.service';
import type { NoticeService } from './supervision.notices';
import { DOCX } from '../../../shared/api/operation';
import { attachment } from '../../http/attachment';
import { requestLocale } from '../../http/request-locale';

export function registerSupervisionRoutes(
  app: ApiInstance,
  supervision: SupervisionService,
  notices: NoticeService,
) {
  route(app, supervisionApi.updateThresholds, async (request) =>
    supervision.updateThresholds(actorOf(request), request.body),
  );

  route(app, supervisionApi.notices, async (request) =>
    notices.list(actorOf(request), request.query.departmentId),
  );

  route(app, supervisionApi.issueNotice, async (request) =>
    notices.issue(actorOf(request), request.body),
  );

  route(app, supervisionApi.answerNotice, async (request) =>
    notices.answer(actorOf(request), request.params.id, request.body),
  );

  route(app, supervisionApi.noticeDocx, async (request, reply) => {
    const { fileName, bytes } = await notices.docx(actorOf(request), request.params.id);
    return reply
      .type(DOCX)
      .header('content-disposition', attachment(fileName, 'supervision-notice.docx'))
      .send(bytes);
  });

  route(app, supervisionApi.overdue, async (request) =>
    supervision.overdue(actorOf(request), requestLocale(request)),
  );

  route(app, supervisionApi.log, async (request) =>
    supervision.log(actorOf(request), request.query),
  );

  route(app, supervisionApi.settings, async (request) => supervision.getSettings(actorOf(request)));

  route(app, supervisionApi.updateSettings, async (request) =>
    supervision.updateSettings(actorOf(request), request.body),
  );

  route(app, supervisionApi.saveContact, async (request) =>
    supervision.saveContact(actorOf(request), request.params.departmentId, request.body),
  );

  route(app, supervisionApi.testSend, async (request) =>
    supervision.testSend(actorOf(request), request.body),
  );

  route(app, supervisionApi.remind, async (request) =>
    supervision.remind(actorOf(request), request.body.departmentId),
  );

  route(app, supervisionApi.remindAll, async (request) => {
    const outcome = await supervision.remindAll(actorOf(request));
    const locale = requestLocale(request);
    return {
      told: outcome.told,
      groupMessages: outcome.groupMessages,
      departments: outcome.departments.map(({ refusal, ...entry }) => ({
        ...entry,
        refusal: refusal
          ? {
              code: refusal.code,
              message: formatErrorMessage(refusal.code, refusal.params, locale),
            }
          : null,
      })),
    };
  });

  route(app, supervisionApi.notificationsList, async (request) =>
    supervision.notifications(actorOf(request), request.query.limit, requestLocale(request)),
  );

  route(app, supervisionApi.notificationsRead, async (request, reply) => {
    await supervision.markRead(actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  route(app, supervisionApi.notificationsReadAll, async (request, reply) => {
    await supervision.markAllRead(actorOf(request));
    return reply.code(204).send(null);
  });
}
