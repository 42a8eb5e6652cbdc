import { departmentsApi } from '../../../shared/api/departments';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { DepartmentService } from './department.service';

export function registerDepartmentRoutes(app: ApiInstance, departments: DepartmentService) {
  route(app, departmentsApi.list, async (request) => departments.list(actorOf(request)));

  route(app, departmentsApi.create, async (request) =>
    departments.create(actorOf(request), request.body),
  );

  route(app, departmentsApi.update, async (request) =>
    departments.update(actorOf(request), request.params.id, request.body),
  );

  route(app, departmentsApi.createMany, async (request) =>
    departments.createMany(actorOf(request), request.body),
  );

  route(app, departmentsApi.merge, async (request) =>
    departments.merge(actorOf(request), request.params.id, request.body),
  );

  route(app, departmentsApi.delete, async (request, reply) => {
    await departments.remove(actorOf(request), request.params.id, request.query.version);
    return reply.code(204).send(null);
  });

  route(app, departmentsApi.departmentGroupsList, async (request) =>
    departments.listGroups(actorOf(request)),
  );
}
