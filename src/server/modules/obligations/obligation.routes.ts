import { formatErrorMessage } from '../../../shared/errors';
import { obligationsApi } from '../../../shared/api/obligations';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ObligationService } from './obligation.service';
import { requestLocale } from '../../http/request-locale';

export function registerObligationRoutes(app: ApiInstance, obligations: ObligationService) {
  route(app, obligationsApi.list, async (request) => ({
    obligations: await obligations.list(actorOf(request), request.params.id, request.query.status),
  }));

  route(app, obligationsApi.propose, async (request) =>
    obligations.propose(actorOf(request), request.params.id),
  );

  route(app, obligationsApi.create, async (request) =>
    obligations.create(actorOf(request), request.params.id, request.body),
  );

  route(app, obligationsApi.update, async (request) =>
    obligations.update(
      actorOf(request),
      request.params.id,
      request.params.obligationId,
      request.body,
    ),
  );

  route(app, obligationsApi.confirmMany, async (request) => {
    const outcome = await obligations.confirmMany(
      actorOf(request),
      request.params.id,
      request.body,
    );
    const locale = requestLocale(request);
    return {
      confirmed: outcome.confirmed,
      refused: outcome.refused.map(({ id, itemNo, error }) => ({
        id,
        itemNo,
        code: error.code,
        message: formatErrorMessage(error.code, error.params, locale),
      })),
    };
  });

  route(app, obligationsApi.compliance, async (request) =>
    obligations.compliance(actorOf(request), request.params.id, request.query),
  );

  route(app, obligationsApi.ofDepartment, async (request) =>
    obligations.ofDepartment(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, obligationsApi.occurrencesList, async (request) => ({
    occurrences: await obligations.listOccurrences(
      actorOf(request),
      request.params.id,
      request.query,
    ),
  }));

  route(app, obligationsApi.occurrencesRecord, async (request) =>
    obligations.recordOccurrence(
      actorOf(request),
      request.params.id,
      request.params.obligationId,
      request.body,
    ),
  );

  route(app, obligationsApi.occurrencesDelete, async (request, reply) => {
    await obligations.deleteOccurrence(
      actorOf(request),
      request.params.id,
      request.params.occurrenceId,
    );
    return reply.code(204).send(null);
  });
}
