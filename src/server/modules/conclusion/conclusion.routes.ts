import { conclusionApi } from '../../../shared/api/conclusion';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ConclusionService } from './conclusion.service';

export function registerConclusionRoutes(app: ApiInstance, conclusion: ConclusionService) {
  route(app, conclusionApi.ratingScaleGet, async (request) =>
    conclusion.getScale(actorOf(request), request.params.id),
  );

  route(app, conclusionApi.ratingScaleSet, async (request) =>
    conclusion.setScale(actorOf(request), request.params.id, request.body),
  );

  route(app, conclusionApi.summariesList, async (request) =>
    conclusion.listSummaries(actorOf(request), request.params.id),
  );

  route(app, conclusionApi.get, async (request) =>
    conclusion.get(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, conclusionApi.summariesSave, async (request) =>
    conclusion.saveSummary(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.body,
    ),
  );

  route(app, conclusionApi.summariesSubmit, async (request) =>
    conclusion.submitSummary(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, conclusionApi.summariesReturn, async (request) =>
    conclusion.returnSummary(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.body,
    ),
  );

  route(app, conclusionApi.selfAssessmentsRate, async (request) =>
    conclusion.rateItem(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.itemId,
      request.body,
    ),
  );

  route(app, conclusionApi.moderationGet, async (request) =>
    conclusion.moderation(actorOf(request), request.params.id),
  );

  route(app, conclusionApi.moderationSet, async (request) =>
    conclusion.moderate(actorOf(request), request.params.id, request.params.itemId, request.body),
  );
}
