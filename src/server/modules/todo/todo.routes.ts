import { route } from '../../http/route';
import { todoApi } from '../../../shared/api/todo';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { TodoService } from './todo.service';
import { requestLocale } from '../../http/request-locale';

export function registerTodoRoutes(app: ApiInstance, todo: TodoService) {
  route(app, todoApi.mine, async (request) =>
    todo.mine(actorOf(request), request.query.planId, requestLocale(request)),
  );
}
