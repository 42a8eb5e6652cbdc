import { route } from '../../http/route';
import { attachment } from '../../http/attachment';
import { satisfactionApi } from '../../../shared/api/satisfaction';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import { readUpload } from '../../http/upload';
import type { SatisfactionService } from './satisfaction.service';

export function registerSatisfactionRoutes(app: ApiInstance, service: SatisfactionService) {
  route(app, satisfactionApi.list, async (request) => ({
    results: await service.list(actorOf(request)),
  }));
  route(app, satisfactionApi.record, async (request) =>
    service.record(actorOf(request), request.body),
  );
  route(app, satisfactionApi.update, async (request) =>
    service.update(actorOf(request), request.params.id, request.body),
  );
  route(app, satisfactionApi.import, async (request) =>
    service.importSheet(actorOf(request), await readUpload(request)),
  );
  route(app, satisfactionApi.template, async (_request, reply) =>
    reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header(
        'content-disposition',
        attachment('第三方测评结果表.xlsx', 'third-party-results.xlsx'),
      )
      .header('cache-control', 'no-store')
      .send(await service.template()),
  );
  route(app, satisfactionApi.delete, async (request, reply) => {
    await service.remove(actorOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
