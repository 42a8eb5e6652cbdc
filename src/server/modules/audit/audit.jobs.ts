import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import { isoDateSchema } from '../../../shared/plan-import/contract';
import type { JobRunner } from '../jobs/job.runner';
import { listOrganizations } from '../organizations/organization.repository';
import type { AuditService } from './audit.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'audit.purge': { organizationId: string; day: string };
  }
}

/** The purge runs at 03:00 Beijing time, when nobody works. */
const purgeHour = (day: string) => new Date(`${day}T03:00:00+08:00`);

/**
 * The daily audit purge (per organization and Beijing day): entries older than the retention
 * (LUOSHI_AUDIT_RETENTION_DAYS, at least 180) go, in bounded batches; what one run leaves, the
 * next day's takes.
 */
export function registerAuditJobs(runner: JobRunner, audit: AuditService, retentionDays: number) {
  runner.register('audit.purge', {
    payload: z.object({ organizationId: z.uuid(), day: isoDateSchema }),
    handle: (job) => audit.purge(job.organizationId, retentionDays),
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    return (await listOrganizations(executor)).map((organization) => ({
      kind: 'audit.purge' as const,
      organizationId: organization.id,
      payload: { organizationId: organization.id, day },
      dedupeKey: `audit-purge:${organization.id}:${day}`,
      runAt: purgeHour(day),
    }));
  });
}
