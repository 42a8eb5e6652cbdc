import { idParamsSchema } from '../../../shared/api/contracts';
import {
  rosterImportQuerySchema,
  rosterPreviewSchema,
  rosterSettingsSchema,
  teacherListQuerySchema,
  teacherListSchema,
  teacherRecordSchema,
} from '../../../shared/api/teachers';
import { pickLocale } from '../../../shared/locale';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { TeacherService } from './teacher.service';

export function registerTeacherRoutes(app: ApiInstance, teachers: TeacherService) {
  app.get(
    '/api/v1/teachers',
    {
      schema: {
        operationId: 'teachers.list',
        tags: ['teachers'],
        description:
          '教师名册: the roster (a liaison sees their own department). Lists never show contacts in full nor birth dates.',
        querystring: teacherListQuerySchema,
        response: { 200: teacherListSchema },
      },
    },
    async (request) => teachers.list(actorOf(request), request.query),
  );

  app.get(
    '/api/v1/teachers/:id',
    {
      schema: {
        operationId: 'teachers.get',
        tags: ['teachers'],
        description:
          "One teacher's record: in full for the office and the admin (each reading is recorded in the audit log), masked for others.",
        params: idParamsSchema,
        response: { 200: teacherRecordSchema },
      },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(await teachers.get(actorOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/teachers/import',
    {
      schema: {
        operationId: 'teachers.import',
        tags: ['teachers'],
        description:
          'The HR export (.xlsx, multipart field "file"). With dryRun=true, what would change (new, changed, leaving); then the same file with basedOn=<token> applies it, all or nothing. Teachers are matched by work number; those the file no longer lists become inactive, never deleted.',
        consumes: ['multipart/form-data'],
        querystring: rosterImportQuerySchema,
        response: { 200: rosterPreviewSchema },
      },
    },
    async (request) =>
      teachers.importSheet(
        actorOf(request),
        await readUpload(request),
        request.query,
        pickLocale(request.headers['accept-language']),
      ),
  );

  app.get(
    '/api/v1/roster/settings',
    {
      schema: {
        operationId: 'roster.settings',
        tags: ['teachers'],
        response: { 200: rosterSettingsSchema },
      },
    },
    async (request) => teachers.settings(actorOf(request)),
  );

  app.put(
    '/api/v1/roster/settings',
    {
      schema: {
        operationId: 'roster.updateSettings',
        tags: ['teachers'],
        body: rosterSettingsSchema,
        response: { 200: rosterSettingsSchema },
      },
    },
    async (request) => teachers.updateSettings(actorOf(request), request.body),
  );
}
