import { z } from 'zod';
import {
  boardSchema,
  breakdownParamsSchema,
  breakdownViewSchema,
  createMeasureBodySchema,
  dashboardSchema,
  deleteMeasureQuerySchema,
  exportQuerySchema,
  liaisonBodySchema,
  measureParamsSchema,
  measureViewSchema,
  reviewBodySchema,
  sheetPreviewSchema,
  sheetUploadQuerySchema,
  updateMeasureBodySchema,
} from '../../../shared/api/breakdowns';
import { idParamsSchema } from '../../../shared/api/contracts';
import { formatErrorMessage } from '../../../shared/errors';
import { pickLocale } from '../../../shared/locale';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { BreakdownService } from './breakdown.service';

const base = '/api/v1/plans/:id/breakdowns/:departmentId';

export function registerBreakdownRoutes(app: ApiInstance, breakdowns: BreakdownService) {
  app.get(
    '/api/v1/plans/:id/breakdowns',
    {
      schema: {
        operationId: 'breakdowns.board',
        tags: ['breakdowns'],
        params: idParamsSchema,
        response: { 200: boardSchema },
      },
    },
    async (request) => breakdowns.board(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/plans/:id/dashboard',
    {
      schema: {
        operationId: 'breakdowns.dashboard',
        tags: ['breakdowns'],
        params: idParamsSchema,
        response: { 200: dashboardSchema },
      },
    },
    async (request) => breakdowns.dashboard(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/plans/:id/task-breakdown',
    {
      schema: {
        operationId: 'breakdowns.export',
        tags: ['breakdowns'],
        description: 'The 任务分解表 as .xlsx or .docx, with the measures filled in.',
        params: idParamsSchema,
        querystring: exportQuerySchema,
        produces: [
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        ],
      },
    },
    async (request, reply) => {
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
        .header(
          'content-disposition',
          `attachment; filename="task-breakdown.${request.query.format}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .send(bytes);
    },
  );

  app.get(
    base,
    {
      schema: {
        operationId: 'breakdowns.get',
        tags: ['breakdowns'],
        params: breakdownParamsSchema,
        response: { 200: breakdownViewSchema },
      },
    },
    async (request) =>
      breakdowns.get(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.put(
    `${base}/liaison`,
    {
      schema: {
        operationId: 'breakdowns.setLiaison',
        tags: ['breakdowns'],
        params: breakdownParamsSchema,
        body: liaisonBodySchema,
        response: { 200: breakdownViewSchema },
      },
    },
    async (request) =>
      breakdowns.setLiaison(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.body,
      ),
  );

  app.post(
    `${base}/measures`,
    {
      schema: {
        operationId: 'measures.create',
        tags: ['breakdowns'],
        params: breakdownParamsSchema,
        body: createMeasureBodySchema,
        response: { 201: measureViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await breakdowns.createMeasure(
            actorOf(request),
            request.params.id,
            request.params.departmentId,
            request.body,
          ),
        ),
  );

  app.patch(
    `${base}/measures/:measureId`,
    {
      schema: {
        operationId: 'measures.update',
        tags: ['breakdowns'],
        params: measureParamsSchema,
        body: updateMeasureBodySchema,
        response: { 200: measureViewSchema },
      },
    },
    async (request) =>
      breakdowns.updateMeasure(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.params.measureId,
        request.body,
      ),
  );

  app.delete(
    `${base}/measures/:measureId`,
    {
      schema: {
        operationId: 'measures.delete',
        tags: ['breakdowns'],
        params: measureParamsSchema,
        querystring: deleteMeasureQuerySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await breakdowns.deleteMeasure(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.params.measureId,
        request.query.version,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/sheet`,
    {
      schema: {
        operationId: 'breakdowns.uploadSheet',
        tags: ['breakdowns'],
        description:
          'Upload the department\'s 任务分解表 filled in offline (.xlsx or .docx, multipart field "file"). With dryRun=true, the changes it would make and the rows that cannot be applied; then the same file with basedOn=<token of the preview> applies them, all or nothing.',
        consumes: ['multipart/form-data'],
        params: breakdownParamsSchema,
        querystring: sheetUploadQuerySchema,
        response: { 200: sheetPreviewSchema },
      },
    },
    async (request) => {
      const outcome = await breakdowns.uploadSheet(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        await readUpload(request),
        request.query,
      );
      const locale = pickLocale(request.headers['accept-language']);
      return {
        ...outcome,
        problems: outcome.problems.map((problem) => ({
          ...problem,
          message: formatErrorMessage(problem.code, problem.params, locale),
        })),
      };
    },
  );

  app.post(
    `${base}/submit`,
    {
      schema: {
        operationId: 'breakdowns.submit',
        tags: ['breakdowns'],
        params: breakdownParamsSchema,
        response: { 200: breakdownViewSchema },
      },
    },
    async (request) =>
      breakdowns.submit(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.post(
    `${base}/review`,
    {
      schema: {
        operationId: 'breakdowns.review',
        tags: ['breakdowns'],
        params: breakdownParamsSchema,
        body: reviewBodySchema,
        response: { 200: breakdownViewSchema },
      },
    },
    async (request) =>
      breakdowns.review(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.body,
      ),
  );
}
