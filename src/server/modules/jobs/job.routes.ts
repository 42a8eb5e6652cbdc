import { jobsApi } from '../../../shared/api/jobs';
import { route } from '../../http/route';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { JobService } from './job.service';

export function registerJobRoutes(app: ApiInstance, jobs: JobService) {
  route(app, jobsApi.get, async (request) => jobs.get(actorOf(request), request.params.id));
}
