import {
  conclusionParamsSchema,
  conclusionViewSchema,
  institutionRatingSchema,
  moderateBodySchema,
  moderationParamsSchema,
  moderationViewSchema,
  rateItemBodySchema,
  ratingScaleViewSchema,
  returnSummaryBodySchema,
  saveSummaryBodySchema,
  selfAssessmentParamsSchema,
  setRatingScaleBodySchema,
  summaryListSchema,
} from '../../../shared/api/conclusion';
import { idParamsSchema } from '../../../shared/api/contracts';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ConclusionService } from './conclusion.service';

const tags = ['conclusion'];

export function registerConclusionRoutes(app: ApiInstance, conclusion: ConclusionService) {
  app.get(
    '/api/v1/plans/:id/rating-scale',
    {
      schema: {
        operationId: 'ratingScale.get',
        tags,
        params: idParamsSchema,
        response: { 200: ratingScaleViewSchema },
      },
    },
    async (request) => conclusion.getScale(actorOf(request), request.params.id),
  );

  app.put(
    '/api/v1/plans/:id/rating-scale',
    {
      schema: {
        operationId: 'ratingScale.set',
        tags,
        description: "The plan's own rating scale; refused once any item is rated.",
        params: idParamsSchema,
        body: setRatingScaleBodySchema,
        response: { 200: ratingScaleViewSchema },
      },
    },
    async (request) => conclusion.setScale(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/plans/:id/summaries',
    {
      schema: {
        operationId: 'summaries.list',
        tags,
        params: idParamsSchema,
        response: { 200: summaryListSchema },
      },
    },
    async (request) => conclusion.listSummaries(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/plans/:id/conclusion/:departmentId',
    {
      schema: {
        operationId: 'conclusion.get',
        tags,
        description: "A department's summary and its self-assessment of each item it answers for.",
        params: conclusionParamsSchema,
        response: { 200: conclusionViewSchema },
      },
    },
    async (request) =>
      conclusion.get(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.put(
    '/api/v1/plans/:id/conclusion/:departmentId/summary',
    {
      schema: {
        operationId: 'summaries.save',
        tags,
        params: conclusionParamsSchema,
        body: saveSummaryBodySchema,
        response: { 200: conclusionViewSchema },
      },
    },
    async (request) =>
      conclusion.saveSummary(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.body,
      ),
  );

  app.post(
    '/api/v1/plans/:id/conclusion/:departmentId/submit',
    {
      schema: {
        operationId: 'summaries.submit',
        tags,
        params: conclusionParamsSchema,
        response: { 200: conclusionViewSchema },
      },
    },
    async (request) =>
      conclusion.submitSummary(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.post(
    '/api/v1/plans/:id/conclusion/:departmentId/return',
    {
      schema: {
        operationId: 'summaries.return',
        tags,
        params: conclusionParamsSchema,
        body: returnSummaryBodySchema,
        response: { 200: conclusionViewSchema },
      },
    },
    async (request) =>
      conclusion.returnSummary(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.body,
      ),
  );

  app.put(
    '/api/v1/plans/:id/conclusion/:departmentId/items/:itemId',
    {
      schema: {
        operationId: 'selfAssessments.rate',
        tags,
        params: selfAssessmentParamsSchema,
        body: rateItemBodySchema,
        response: { 200: conclusionViewSchema },
      },
    },
    async (request) =>
      conclusion.rateItem(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.params.itemId,
        request.body,
      ),
  );

  app.get(
    '/api/v1/plans/:id/moderation',
    {
      schema: {
        operationId: 'moderation.get',
        tags,
        params: idParamsSchema,
        response: { 200: moderationViewSchema },
      },
    },
    async (request) => conclusion.moderation(actorOf(request), request.params.id),
  );

  app.put(
    '/api/v1/plans/:id/moderation/:itemId',
    {
      schema: {
        operationId: 'moderation.set',
        tags,
        params: moderationParamsSchema,
        body: moderateBodySchema,
        response: { 200: institutionRatingSchema },
      },
    },
    async (request) =>
      conclusion.moderate(actorOf(request), request.params.id, request.params.itemId, request.body),
  );
}
