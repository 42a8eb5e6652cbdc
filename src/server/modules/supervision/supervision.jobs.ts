import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import { isoDateSchema } from '../../../shared/plan-import/contract';
import { weekStart } from '../../../shared/supervision/rules';
import { listOrganizations } from '../organizations/organization.repository';
import type { JobRunner } from '../jobs/job.runner';
import type { SupervisionService } from './supervision.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'supervision.sweep': { organizationId: string; day: string };
    'supervision.digest': { organizationId: string; week: string };
  }
}

/** Reminders go out from 08:00 Beijing time, not at midnight. */
const sendingHour = (day: string) => new Date(`${day}T08:00:00+08:00`);

/** The daily sweep (per organization and Beijing day) and the weekly digest (per week, from Monday). */
export function registerSupervisionJobs(runner: JobRunner, supervision: SupervisionService) {
  const payload = z.object({ organizationId: z.uuid(), day: isoDateSchema });
  runner.register('supervision.sweep', {
    payload,
    handle: (job, context) => supervision.sweep(job.organizationId, (percent) => context.progress(percent)),
  });
  runner.register('supervision.digest', {
    payload: z.object({ organizationId: z.uuid(), week: isoDateSchema }),
    handle: (job) => supervision.digest(job.organizationId),
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    const week = weekStart(day);
    return (await listOrganizations(executor)).flatMap((organization) => [
      { kind: 'supervision.sweep' as const, organizationId: organization.id, payload: { organizationId: organization.id, day }, dedupeKey: `supervision:${organization.id}:${day}`, runAt: sendingHour(day) },
      { kind: 'supervision.digest' as const, organizationId: organization.id, payload: { organizationId: organization.id, week }, dedupeKey: `supervision-digest:${organization.id}:${week}`, runAt: sendingHour(week) },
    ]);
  });
}
