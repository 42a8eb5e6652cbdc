import { route } from '../../http/route';
import { findingsApi } from '../../../shared/api/findings';
import {
  findingDetailSchema,
  findingParamsSchema,
  recordActionBodySchema,
  reopenBodySchema,
  requestVerificationBodySchema,
  updateFindingBodySchema,
  verifyBodySchema,
} from '../../../shared/api/findings';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { FindingService } from './finding.service';

const tags = ['findings'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const base = '/api/v1/plans/:id/findings/:findingId';

export function registerFindingRoutes(app: ApiInstance, findings: FindingService) {
  route(app, findingsApi.list, async (request) =>
    findings.list(actorOf(request), request.params.id, request.query),
  );

  route(app, findingsApi.create, async (request, reply) =>
    reply.code(201).send(await findings.create(actorOf(request), request.params.id, request.body)),
  );

  route(app, findingsApi.export, async (request, reply) => {
    const { fileName, bytes } = await findings.exportXlsx(
      actorOf(request),
      request.params.id,
      request.query,
    );
    return reply
      .type(XLSX)
      .header(
        'content-disposition',
        `attachment; filename="findings.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      )
      .send(bytes);
  });

  app.get(
    base,
    {
      schema: {
        operationId: 'findings.get',
        tags,
        params: findingParamsSchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) => findings.get(actorOf(request), request.params.id, request.params.findingId),
  );

  app.patch(
    base,
    {
      schema: {
        operationId: 'findings.update',
        tags,
        params: findingParamsSchema,
        body: updateFindingBodySchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) =>
      findings.update(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  app.post(
    `${base}/actions`,
    {
      schema: {
        operationId: 'findings.recordAction',
        tags,
        description:
          'The owner department records a rectification action (整改措施) with evidence.',
        params: findingParamsSchema,
        body: recordActionBodySchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) =>
      findings.recordAction(
        actorOf(request),
        request.params.id,
        request.params.findingId,
        request.body,
      ),
  );

  app.post(
    `${base}/request-verification`,
    {
      schema: {
        operationId: 'findings.requestVerification',
        tags,
        params: findingParamsSchema,
        body: requestVerificationBodySchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) =>
      findings.requestVerification(
        actorOf(request),
        request.params.id,
        request.params.findingId,
        request.body,
      ),
  );

  app.post(
    `${base}/verify`,
    {
      schema: {
        operationId: 'findings.verify',
        tags,
        description:
          'Only the coordinating office closes a finding, by verifying its rectification (核验).',
        params: findingParamsSchema,
        body: verifyBodySchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) =>
      findings.verify(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  app.post(
    `${base}/reopen`,
    {
      schema: {
        operationId: 'findings.reopen',
        tags,
        params: findingParamsSchema,
        body: reopenBodySchema,
        response: { 200: findingDetailSchema },
      },
    },
    async (request) =>
      findings.reopen(actorOf(request), request.params.id, request.params.findingId, request.body),
  );

  route(app, findingsApi.plansNextYearPreview, async (request) =>
    findings.previewNextYear(actorOf(request), request.params.id),
  );

  route(app, findingsApi.plansStartNextYear, async (request, reply) =>
    reply
      .code(201)
      .send(await findings.startNextYear(actorOf(request), request.params.id, request.body)),
  );
}
