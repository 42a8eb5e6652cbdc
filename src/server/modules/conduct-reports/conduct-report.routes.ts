import { z } from 'zod';
import {
  addInformationBodySchema,
  answerBodySchema,
  conductReportDetailSchema,
  conductReportFiguresSchema,
  conductReportFileParamsSchema,
  conductReportFollowSchema,
  conductReportListSchema,
  conductReportOrganizationParamsSchema,
  conductReportParamsSchema,
  figuresQuerySchema,
  followConductReportBodySchema,
  submitConductReportBodySchema,
  submitConductReportResultSchema,
  transitionBodySchema,
} from '../../../shared/api/conduct-reports';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { ConductReportService } from './conduct-report.service';

const tags = ['conduct-reports'];
/** Three attachments of 2 MB in base64 and the text. */
const SUBMISSION_BODY_LIMIT = 10 * 1024 * 1024;

const encoded = (name: string) =>
  encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

export function registerConductReportRoutes(app: ApiInstance, reports: ConductReportService) {
  app.post(
    '/api/v1/public/organizations/:organizationId/conduct-reports',
    {
      bodyLimit: SUBMISSION_BODY_LIMIT,
      schema: {
        operationId: 'conductReports.submit',
        tags,
        description:
          '师德师风监督举报: anyone files a report (no account). The receipt code is answered once; nothing of the caller is stored.',
        params: conductReportOrganizationParamsSchema,
        body: submitConductReportBodySchema,
        response: { 201: submitConductReportResultSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await reports.submit(request.params.organizationId, request.body)),
  );

  app.post(
    '/api/v1/public/conduct-reports/follow',
    {
      schema: {
        operationId: 'conductReports.follow',
        tags,
        description: 'The reporter follows their case with the receipt: state, outcome, answers.',
        body: followConductReportBodySchema,
        response: { 200: conductReportFollowSchema },
      },
    },
    async (request) => reports.follow(request.body.receipt),
  );

  app.post(
    '/api/v1/public/conduct-reports/information',
    {
      bodyLimit: SUBMISSION_BODY_LIMIT,
      schema: {
        operationId: 'conductReports.addInformation',
        tags,
        description: 'The reporter adds information (text, files) to their case with the receipt.',
        body: addInformationBodySchema,
        response: { 201: conductReportFollowSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await reports.addInformation(request.body.receipt, request.body)),
  );

  app.get(
    '/api/v1/conduct-reports',
    {
      schema: {
        operationId: 'conductReports.list',
        tags,
        description: "The case handler's list: states and deadlines, no content.",
        response: { 200: conductReportListSchema },
      },
    },
    async (request) => reports.list(actorOf(request)),
  );

  app.get(
    '/api/v1/conduct-reports/figures',
    {
      schema: {
        operationId: 'conductReports.figures',
        tags,
        description: "Item 26's figures for a year: counts only.",
        querystring: figuresQuerySchema,
        response: { 200: conductReportFiguresSchema },
      },
    },
    async (request) => reports.figures(actorOf(request), request.query.year),
  );

  app.get(
    '/api/v1/conduct-reports/:id',
    {
      schema: {
        operationId: 'conductReports.get',
        tags,
        description: 'One case with its content and history; every read is audited.',
        params: conductReportParamsSchema,
        response: { 200: conductReportDetailSchema },
      },
    },
    async (request) => reports.get(actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/conduct-reports/:id/transitions',
    {
      schema: {
        operationId: 'conductReports.transition',
        tags,
        params: conductReportParamsSchema,
        body: transitionBodySchema,
        response: { 200: conductReportDetailSchema },
      },
    },
    async (request) => reports.transition(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/conduct-reports/:id/answers',
    {
      schema: {
        operationId: 'conductReports.answer',
        tags,
        params: conductReportParamsSchema,
        body: answerBodySchema,
        response: { 200: conductReportDetailSchema },
      },
    },
    async (request) => reports.answer(actorOf(request), request.params.id, request.body.text),
  );

  app.get(
    '/api/v1/conduct-reports/:id/files/:fileId',
    {
      schema: {
        operationId: 'conductReports.file',
        tags,
        description: 'A file of the case, as an attachment, sandboxed; audited as an export.',
        params: conductReportFileParamsSchema,
        response: { 200: z.any() },
      },
      onSend: async (_request, reply) => {
        if (reply.statusCode === 200)
          reply.header('content-security-policy', "sandbox; default-src 'none'");
      },
    },
    async (request, reply) => {
      const file = await reports.file(actorOf(request), request.params.id, request.params.fileId);
      return reply
        .type(file.mediaType)
        .header(
          'content-disposition',
          `attachment; filename="case-file"; filename*=UTF-8''${encoded(file.fileName)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
  );
}
