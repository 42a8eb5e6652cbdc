import { defineOperation } from './operation';
import {
  importPlanQuerySchema,
  importPlanResultSchema,
  inspectPlanResultSchema,
} from './contracts';
import { organizationStaff } from '../access';

/** The imports operations: what the server serves and the web calls. */
export const importsApi = {
  inspectPlan: defineOperation({
    id: 'imports.inspectPlan',
    method: 'POST',
    path: '/api/v1/imports/plan/inspect',
    tags: ['imports'],
    description:
      "The first rows of an uploaded plan's table and the columns detection recognised, for the import wizard's mapping step. Writes nothing.",
    upload: true,
    response: inspectPlanResultSchema,
    access: organizationStaff,
  }),
  importPlan: defineOperation({
    id: 'imports.importPlan',
    method: 'POST',
    path: '/api/v1/imports/plan',
    tags: ['imports'],
    description:
      'Upload a work plan (.docx, .xlsx or .txt) as multipart field "file". With dryRun=true nothing is written.',
    query: importPlanQuerySchema,
    upload: true,
    response: importPlanResultSchema,
    status: [200, 201],
    access: organizationStaff,
  }),
} as const;
