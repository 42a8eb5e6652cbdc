import type { FastifyRequest } from 'fastify';
import { importPlanQuerySchema, importPlanResultSchema } from '../../../shared/api/contracts';
import { AppError } from '../../../shared/errors';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { PlanImportService, PlanUpload } from './plan-import.service';

/** The uploaded file of a multipart request, read whole (the size cap is @fastify/multipart's). */
async function readUpload(request: FastifyRequest): Promise<PlanUpload> {
  const file = request.isMultipart() ? await request.file() : undefined;
  if (!file) throw new AppError('request.invalid', {}, [{ path: 'file', message: 'a file is required (multipart field "file")' }]);
  const bytes = await file.toBuffer();
  return { fileName: file.filename, bytes };
}

export function registerPlanImportRoutes(app: ApiInstance, imports: PlanImportService) {
  app.post('/api/v1/imports/plan', {
    schema: {
      operationId: 'imports.importPlan',
      tags: ['imports'],
      description: 'Upload a work plan (.docx, .xlsx or .txt) as multipart field "file". With dryRun=true nothing is written.',
      consumes: ['multipart/form-data'],
      querystring: importPlanQuerySchema,
      response: { 200: importPlanResultSchema, 201: importPlanResultSchema },
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const upload = await readUpload(request);
    if (request.query.dryRun) return imports.preview(actor, upload);
    const result = await imports.import(actor, upload);
    return reply.code(result.created ? 201 : 200).send(result);
  });
}
