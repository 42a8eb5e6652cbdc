import { sheetUploadQuerySchema } from '../../../shared/api/breakdowns';
import { idParamsSchema } from '../../../shared/api/contracts';
import { formatErrorMessage } from '../../../shared/errors';
import { pickLocale } from '../../../shared/locale';
import { readUpload } from '../../http/upload';
import {
  bulkReportBodySchema,
  bulkReportResultSchema,
  periodParamsSchema,
  periodSheetPreviewSchema,
  departmentLedgerSchema,
  ledgerOverviewSchema,
  ledgerParamsSchema,
  ledgerQuerySchema,
  ledgerSettingsBodySchema,
  ledgerSettingsViewSchema,
  progressReportViewSchema,
  reportBodySchema,
} from '../../../shared/api/ledger';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { LedgerService } from './ledger.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerLedgerRoutes(app: ApiInstance, ledger: LedgerService) {
  app.get(
    '/api/v1/plans/:id/ledger/settings',
    {
      schema: {
        operationId: 'ledger.getSettings',
        tags: ['ledger'],
        params: idParamsSchema,
        response: { 200: ledgerSettingsViewSchema },
      },
    },
    async (request) => ledger.getSettings(actorOf(request), request.params.id),
  );

  app.put(
    '/api/v1/plans/:id/ledger/settings',
    {
      schema: {
        operationId: 'ledger.setSettings',
        tags: ['ledger'],
        description:
          'The reporting periods of the plan: frequency, the day of the following month a report is due, the first and last period.',
        params: idParamsSchema,
        body: ledgerSettingsBodySchema,
        response: { 200: ledgerSettingsViewSchema },
      },
    },
    async (request) => ledger.setSettings(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/plans/:id/ledger/departments/:departmentId',
    {
      schema: {
        operationId: 'ledger.department',
        tags: ['ledger'],
        params: ledgerParamsSchema,
        response: { 200: departmentLedgerSchema },
      },
    },
    async (request) =>
      ledger.department(actorOf(request), request.params.id, request.params.departmentId),
  );

  app.post(
    '/api/v1/plans/:id/ledger/departments/:departmentId/reports',
    {
      schema: {
        operationId: 'ledger.report',
        tags: ['ledger'],
        description:
          'Report one period of one approved measure; a correction is a new version naming the one it corrects (basedOnVersion).',
        params: ledgerParamsSchema,
        body: reportBodySchema,
        response: { 201: progressReportViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await ledger.report(
            actorOf(request),
            request.params.id,
            request.params.departmentId,
            request.body,
          ),
        ),
  );

  app.get(
    '/api/v1/plans/:id/ledger',
    {
      schema: {
        operationId: 'ledger.overview',
        tags: ['ledger'],
        params: idParamsSchema,
        querystring: ledgerQuerySchema,
        response: { 200: ledgerOverviewSchema },
      },
    },
    async (request) => ledger.overview(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/plans/:id/ledger/export',
    {
      schema: {
        operationId: 'ledger.export',
        tags: ['ledger'],
        description: 'The ledger as .xlsx, with the same filters as the overview.',
        params: idParamsSchema,
        querystring: ledgerQuerySchema,
        produces: [XLSX],
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await ledger.exportXlsx(
        actorOf(request),
        request.params.id,
        request.query,
      );
      return reply
        .type(XLSX)
        .header(
          'content-disposition',
          `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .send(bytes);
    },
  );
  const period = '/api/v1/plans/:id/ledger/departments/:departmentId/periods/:periodKey';

  app.post(
    `${period}/reports`,
    {
      schema: {
        operationId: 'ledger.reportPeriod',
        tags: ['ledger'],
        description:
          'Report a whole period at once (整期报送): every measure given, each naming the latest version it saw (basedOnVersion), all or nothing; a report may also record an occurrence of a confirmed obligation of its item.',
        params: periodParamsSchema,
        body: bulkReportBodySchema,
        response: { 201: bulkReportResultSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await ledger.reportPeriod(
            actorOf(request),
            request.params.id,
            request.params.departmentId,
            request.params.periodKey,
            request.body,
          ),
        ),
  );

  app.get(
    `${period}/sheet`,
    {
      schema: {
        operationId: 'ledger.exportPeriodSheet',
        tags: ['ledger'],
        description:
          "The department's 工作进度报送表 of one period (.xlsx): every approved measure a row, this period's report filled in, to fill in offline and upload back.",
        params: periodParamsSchema,
        produces: [XLSX],
      },
    },
    async (request, reply) => {
      const { fileName, bytes } = await ledger.exportPeriodSheet(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.params.periodKey,
      );
      return reply
        .type(XLSX)
        .header(
          'content-disposition',
          `attachment; filename="progress-sheet.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        )
        .send(bytes);
    },
  );

  app.post(
    `${period}/sheet`,
    {
      schema: {
        operationId: 'ledger.uploadPeriodSheet',
        tags: ['ledger'],
        description:
          'Upload the period sheet filled in offline (.xlsx, multipart field "file"). With dryRun=true, the reports it would make and the rows that cannot be applied; then the same file with basedOn=<token of the preview> applies them, all or nothing.',
        consumes: ['multipart/form-data'],
        params: periodParamsSchema,
        querystring: sheetUploadQuerySchema,
        response: { 200: periodSheetPreviewSchema },
      },
    },
    async (request) => {
      const outcome = await ledger.uploadPeriodSheet(
        actorOf(request),
        request.params.id,
        request.params.departmentId,
        request.params.periodKey,
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
}
