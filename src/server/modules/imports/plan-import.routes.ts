import {
  importPlanQuerySchema,
  importPlanResultSchema,
  inspectPlanResultSchema,
} from '../../../shared/api/contracts';
import { readColumnMapping } from '../../../shared/plan-import/column-mapping';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { PlanImportService } from './plan-import.service';

export function registerPlanImportRoutes(app: ApiInstance, imports: PlanImportService) {
  app.post(
    '/api/v1/imports/plan/inspect',
    {
      schema: {
        operationId: 'imports.inspectPlan',
        tags: ['imports'],
        description:
          "The first rows of an uploaded plan's table and the columns detection recognised, for the import wizard's mapping step. Writes nothing.",
        consumes: ['multipart/form-data'],
        response: { 200: inspectPlanResultSchema },
      },
    },
    async (request) => imports.inspect(actorOf(request), await readUpload(request)),
  );

  app.post(
    '/api/v1/imports/plan',
    {
      schema: {
        operationId: 'imports.importPlan',
        tags: ['imports'],
        description:
          'Upload a work plan (.docx, .xlsx or .txt) as multipart field "file". With dryRun=true nothing is written.',
        consumes: ['multipart/form-data'],
        querystring: importPlanQuerySchema,
        response: { 200: importPlanResultSchema, 201: importPlanResultSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const upload = {
        ...(await readUpload(request)),
        mapping: readColumnMapping(request.query.columns, request.query.headerRow),
      };
      if (request.query.dryRun) return imports.preview(actor, upload);
      const result = await imports.import(actor, upload);
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
}
