import { idParamsSchema } from '../../../shared/api/contracts';
import { jobViewSchema } from '../../../shared/api/jobs';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { JobService } from './job.service';

export function registerJobRoutes(app: ApiInstance, jobs: JobService) {
  app.get(
    '/api/v1/jobs/:id',
    {
      schema: {
        operationId: 'jobs.get',
        tags: ['jobs'],
        description: "A background job's state and progress (0–100).",
        params: idParamsSchema,
        response: { 200: jobViewSchema },
      },
    },
    async (request) => jobs.get(actorOf(request), request.params.id),
  );
}
