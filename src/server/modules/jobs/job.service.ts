import type { JobView } from '../../../shared/api/jobs';
import { AppError } from '../../../shared/errors';
import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import { findJobInOrganization } from './job.repository';
import type { Job } from './job.table';

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: job.runAt.toISOString(),
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    result: job.result ?? null,
    lastError: job.lastError,
  };
}

export function createJobService({ db }: { db: Database }) {
  return {
    async get(actor: Actor, id: string): Promise<JobView> {
      const job = await findJobInOrganization(db, actor.organizationId, id);
      if (!job) throw new AppError('job.not_found');
      return toJobView(job);
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;
