import { XLSX } from '../../../shared/api/operation';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { ledgerApi } from '../../../shared/api/ledger';
import { formatErrorMessage } from '../../../shared/errors';
import { readUpload } from '../../http/upload';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { LedgerService } from './ledger.service';
import { requestLocale } from '../../http/request-locale';

export function registerLedgerRoutes(app: ApiInstance, ledger: LedgerService) {
  route(app, ledgerApi.getSettings, async (request) =>
    ledger.getSettings(actorOf(request), request.params.id),
  );

  route(app, ledgerApi.setSettings, async (request) =>
    ledger.setSettings(actorOf(request), request.params.id, request.body),
  );

  route(app, ledgerApi.department, async (request) =>
    ledger.department(actorOf(request), request.params.id, request.params.departmentId),
  );

  route(app, ledgerApi.report, async (request) =>
    ledger.report(actorOf(request), request.params.id, request.params.departmentId, request.body),
  );

  route(app, ledgerApi.overview, async (request) =>
    ledger.overview(actorOf(request), request.params.id, request.query),
  );

  route(app, ledgerApi.export, async (request, reply) => {
    const { fileName, body } = await ledger.exportXlsx(
      actorOf(request),
      request.params.id,
      request.query,
      requestLocale(request),
    );
    return reply
      .type(XLSX)
      .header('content-disposition', attachment(fileName, 'ledger.xlsx'))
      .send(body);
  });

  route(app, ledgerApi.reportPeriod, async (request) =>
    ledger.reportPeriod(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.periodKey,
      request.body,
    ),
  );

  route(app, ledgerApi.exportPeriodSheet, async (request, reply) => {
    const { fileName, bytes } = await ledger.exportPeriodSheet(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.periodKey,
    );
    return reply
      .type(XLSX)
      .header('content-disposition', attachment(fileName, 'progress-sheet.xlsx'))
      .send(bytes);
  });

  route(app, ledgerApi.uploadPeriodSheet, async (request) => {
    const outcome = await ledger.uploadPeriodSheet(
      actorOf(request),
      request.params.id,
      request.params.departmentId,
      request.params.periodKey,
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
}
