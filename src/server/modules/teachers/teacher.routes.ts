import { route } from '../../http/route';
import { teachersApi } from '../../../shared/api/teachers';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { TeacherService } from './teacher.service';
import { requestLocale } from '../../http/request-locale';

export function registerTeacherRoutes(app: ApiInstance, teachers: TeacherService) {
  route(app, teachersApi.list, async (request) => teachers.list(actorOf(request), request.query));

  route(app, teachersApi.get, async (request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .send(await teachers.get(actorOf(request), request.params.id)),
  );

  route(app, teachersApi.import, async (request) =>
    teachers.importSheet(
      actorOf(request),
      await readUpload(request),
      request.query,
      requestLocale(request),
    ),
  );

  route(app, teachersApi.rosterSettings, async (request) => teachers.settings(actorOf(request)));

  route(app, teachersApi.rosterUpdateSettings, async (request) =>
    teachers.updateSettings(actorOf(request), request.body),
  );
}
