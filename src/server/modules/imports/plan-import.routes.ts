import { importsApi } from '../../../shared/api/imports';
import { route } from '../../http/route';
import { readColumnMapping } from '../../../shared/plan-import/column-mapping';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { PlanImportService } from './plan-import.service';

export function registerPlanImportRoutes(app: ApiInstance, imports: PlanImportService) {
  route(app, importsApi.inspectPlan, async (request) =>
    imports.inspect(actorOf(request), await readUpload(request)),
  );

  route(app, importsApi.importPlan, async (request, reply) => {
    const actor = actorOf(request);
    const upload = {
      ...(await readUpload(request)),
      mapping: readColumnMapping(request.query.columns, request.query.headerRow),
    };
    if (request.query.dryRun) return imports.preview(actor, upload);
    const result = await imports.import(actor, upload);
    return reply.code(result.created ? 201 : 200).send(result);
  });
}
