import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import type { EnqueueRequest, JobRunner } from '../jobs/job.runner';
import { listStaleInstitutions, listSupervisedInstitutions } from './oversight.repository';
import type { OversightService } from './oversight.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'oversight.refreshSnapshot': { organizationId: string };
  }
}

/** A refresh waits this long after the write that asked for it, so that a burst of writes makes one refresh. */
export const REFRESH_DELAY_MS = 10_000;

/** The nightly sweep runs from 00:10 Beijing time: a new day can make work late without any write. */
const nightly = (day: string) => new Date(`${day}T00:10:00+08:00`);

/**
 * Keeps institutions' snapshots fresh:
 * - after writes: every write appends to the institution's audit log in its own transaction, so a
 *   supervised institution whose latest audit entry is newer than its snapshot's watermark has
 *   changed. Each tick asks that with one query (an index probe per institution) and enqueues one
 *   refresh per institution, keyed by the watermark it saw: until the refresh runs, more writes
 *   find the same key, so a burst makes one refresh. No write path waits on, or locks, anything of
 *   oversight's.
 * - every night: every supervised institution, whatever was written.
 */
export function registerOversightJobs(runner: JobRunner, oversight: OversightService) {
  runner.register('oversight.refreshSnapshot', {
    payload: z.object({ organizationId: z.uuid() }),
    handle: (job) => oversight.refreshSnapshot(job.organizationId),
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    const refresh = (
      organizationId: string,
      dedupeKey: string,
      runAt: Date,
    ): EnqueueRequest<'oversight.refreshSnapshot'> => ({
      kind: 'oversight.refreshSnapshot',
      organizationId,
      payload: { organizationId },
      dedupeKey,
      runAt,
    });
    const afterWrites = (await listStaleInstitutions(executor)).map((stale) =>
      refresh(
        stale.organizationId,
        `oversight:${stale.organizationId}:${stale.watermark ?? `new:${stale.latest}`}`,
        new Date(now.getTime() + REFRESH_DELAY_MS),
      ),
    );
    const sweep = (await listSupervisedInstitutions(executor)).map((institution) =>
      refresh(institution.id, `oversight-nightly:${institution.id}:${day}`, nightly(day)),
    );
    return [...afterWrites, ...sweep];
  });
}
