import { todoQuerySchema, todoViewSchema } from '../../../shared/api/todo';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { TodoService } from './todo.service';

export function registerTodoRoutes(app: ApiInstance, todo: TodoService) {
  app.get(
    '/api/v1/todo',
    {
      schema: {
        operationId: 'todo.mine',
        tags: ['todo'],
        description:
          '我的待办: what is the caller’s to do in the plan (default: the newest), by deadline, with counts per kind.',
        querystring: todoQuerySchema,
        response: { 200: todoViewSchema },
      },
    },
    async (request) => todo.mine(actorOf(request), request.query.planId),
  );
}
