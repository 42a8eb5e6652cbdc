import { breakdownsApi } from '../../../shared/api/breakdowns';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { formatErrorMessage } from '../../../shared/errors';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { BreakdownService } from './breakdown.service';
import { requestLocale } from '../../http/request-locale';

export function registerBreakdownRoutes(app: ApiInstance, breakdowns: BreakdownService) {
  route(app, breakdownsApi.board, async (request) =>
    breakdowns.board(actorOf(request), request.params.id),
  );

  route(app, breakdownsApi.dashboard, async (request) =>
    breakdowns.dashboard(actorOf(request), request.params.id),
  );

  route(app, breakdownsApi.export, async (request, reply) => {
    const { fileName, bytes } = await breakdowns.exportTable(
      actorOf(request),
      request.params.id,
      request.query,
    );
    const type =
      request.query.format === 'xlsx'
        ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    return reply
      .type(type)
      .header('content-disposition', attachment(fileName, `task-breakdown.${request.query.format}`))
      .send(bytes);
  });

  route(app, breakdownsApi.get, async (request) =>
    breakdowns.get(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, breakdownsApi.setLiaison, async (request) =>
    breakdowns.setLiaison(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.body,
    ),
  );

  route(app, breakdownsApi.measuresCreate, async (request) =>
    breakdowns.createMeasure(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.body,
    ),
  );

  route(app, breakdownsApi.measuresUpdate, async (request) =>
    breakdowns.updateMeasure(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.measureId,
      request.body,
    ),
  );

  route(app, breakdownsApi.measuresDelete, async (request, reply) => {
    await breakdowns.deleteMeasure(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.measureId,
      request.query.version,
    );
    return reply.code(204).send(null);
  });

  route(app, breakdownsApi.uploadSheet, async (request) => {
    const outcome = await breakdowns.uploadSheet(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      await readUpload(request),
      request.query,
    );
    const locale = requestLocale(request);
    return {
      ...outcome,
      problems: outcome.problems.map((problem) => ({
        ...problem,
        message: formatErrorMessage(problem.code, problem.params, locale),
      })),
    };
  });

  route(app, breakdownsApi.submit, async (request) =>
    breakdowns.submit(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, breakdownsApi.review, async (request) =>
    breakdowns.review(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.body,
    ),
  );

  route(app, breakdownsApi.approveMany, async (request) => {
    const outcome = await breakdowns.approveMany(actorOf(request), request.params.id, request.body);
    const locale = requestLocale(request);
    return {
      approved: outcome.approved,
      refused: outcome.refused.map(({ departmentId, name, error }) => ({
        departmentId,
        name,
        code: error.code,
        message: formatErrorMessage(error.code, error.params, locale),
      })),
    };
  });
}
