import { usersApi } from '../../../shared/api/users';
import { attachment } from '../../http/attachment';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { UserService } from './user.service';
import { requestLocale } from '../../http/request-locale';

export function registerUserRoutes(app: ApiInstance, users: UserService) {
  route(app, usersApi.list, async (request) => users.list(actorOf(request)));

  route(app, usersApi.create, async (request) => users.create(actorOf(request), request.body));

  route(app, usersApi.template, async (request, reply) => {
    const { fileName, bytes } = await users.template(actorOf(request));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(fileName, 'users-template.xlsx'))
      .header('cache-control', 'no-store')
      .send(bytes);
  });

  route(app, usersApi.import, async (request, reply) => {
    const result = await users.importSheet(
      actorOf(request),
      await readUpload(request),
      request.query,
      requestLocale(request),
    );
    return reply.header('cache-control', 'no-store').send(result);
  });

  route(app, usersApi.update, async (request) =>
    users.update(actorOf(request), request.params.id, request.body),
  );

  route(app, usersApi.resetPassword, async (request) =>
    users.resetPassword(actorOf(request), request.params.id),
  );

  route(app, usersApi.unlock, async (request) => users.unlock(actorOf(request), request.params.id));

  route(app, usersApi.resetTotp, async (request) =>
    users.resetTotp(actorOf(request), request.params.id),
  );

  route(app, usersApi.signOutEverywhere, async (request, reply) => {
    await users.signOutEverywhere(actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
