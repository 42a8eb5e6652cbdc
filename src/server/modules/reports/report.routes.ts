import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import {
  reportDetailSchema,
  reportParamsSchema,
  reportSummarySchema,
  reviewBodySchema,
} from '../../../shared/api/reports';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ReportService } from './report.service';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(fileName: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function registerReportRoutes(app: ApiInstance, reports: ReportService) {
  app.post(
    '/api/v1/plans/:id/reports',
    {
      schema: {
        operationId: 'reports.request',
        tags: ['reports'],
        description:
          'Queues the generation of a new version of the quality report (a job; poll the report for progress).',
        params: idParamsSchema,
        response: { 202: reportSummarySchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await reports.request(actorOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/plans/:id/reports',
    {
      schema: {
        operationId: 'reports.list',
        tags: ['reports'],
        params: idParamsSchema,
        response: { 200: z.array(reportSummarySchema) },
      },
    },
    async (request) => reports.list(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/reports/:reportId',
    {
      schema: {
        operationId: 'reports.get',
        tags: ['reports'],
        params: reportParamsSchema,
        response: { 200: reportDetailSchema },
      },
    },
    async (request) => reports.get(actorOf(request), request.params.reportId),
  );

  app.get(
    '/api/v1/reports/:reportId/docx',
    {
      schema: {
        operationId: 'reports.docx',
        tags: ['reports'],
        description: 'The quality report as a .docx (A4, official layout).',
        params: reportParamsSchema,
        produces: [DOCX],
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await reports.docx(actorOf(request), request.params.reportId);
      return reply
        .type(DOCX)
        .header('content-disposition', attachment(fileName, 'quality-report.docx'))
        .send(bytes);
    },
  );

  app.post(
    '/api/v1/reports/:reportId/publish',
    {
      schema: {
        operationId: 'reports.publish',
        tags: ['reports'],
        description: "Opens the report to representatives' review.",
        params: reportParamsSchema,
        response: { 200: reportSummarySchema },
      },
    },
    async (request) => reports.publish(actorOf(request), request.params.reportId),
  );

  app.put(
    '/api/v1/reports/:reportId/review',
    {
      schema: {
        operationId: 'reports.review',
        tags: ['reports'],
        description: "A representative's own review: scores 1–5 per criterion and a comment.",
        params: reportParamsSchema,
        body: reviewBodySchema,
        response: { 200: reportDetailSchema },
      },
    },
    async (request) => reports.review(actorOf(request), request.params.reportId, request.body),
  );

  app.get(
    '/api/v1/plans/:id/performance-sheet',
    {
      schema: {
        operationId: 'reports.performanceSheet',
        tags: ['reports'],
        description:
          "Each department's score for the annual performance review, as .xlsx with the formula in the sheet.",
        params: idParamsSchema,
        produces: [XLSX],
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await reports.performanceSheet(
        actorOf(request),
        request.params.id,
      );
      return reply
        .type(XLSX)
        .header('content-disposition', attachment(fileName, 'performance-sheet.xlsx'))
        .send(bytes);
    },
  );
}
