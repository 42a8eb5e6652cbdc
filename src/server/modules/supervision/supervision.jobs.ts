import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import { isoDateSchema } from '../../../shared/plan-import/contract';
import { weekStart } from '../../../shared/supervision/rules';
import type { JobRunner } from '../jobs/job.runner';
import { listOrganizationIdsWithPlans } from './supervision.repository';
import type { SupervisionService } from './supervision.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'supervision.sweepOrganization': { organizationId: string; day: string };
    'supervision.digestOrganization': { organizationId: string; week: string };
  }
}

/** Reminders go out from 08:00 Beijing time, not at midnight. */
const sendingHour = (day: string) => new Date(`${day}T08:00:00+08:00`);

/** Dedupe keys: one sweep per organization and Beijing day, one digest per organization and week. */
export const sweepKey = (organizationId: string, day: string) =>
  `supervision:${organizationId}:${day}`;
const digestKey = (organizationId: string, week: string) =>
  `supervision-digest:${organizationId}:${week}`;

/**
 * The daily sweep and the weekly digest, as one job per organization with a plan: each job is
 * bounded by one organization's records, any app process may run any of them (a province's 150
 * institutions spread over the processes), a failing organization is retried on its own without
 * holding up the others, and the dedupe keys make the schedule enqueue each once however many
 * processes tick or restart.
 */
export function registerSupervisionJobs(runner: JobRunner, supervision: SupervisionService) {
  runner.register('supervision.sweepOrganization', {
    payload: z.object({ organizationId: z.uuid(), day: isoDateSchema }),
    handle: (job, context) =>
      supervision.sweep(job.organizationId, (percent) => context.progress(percent)),
  });
  runner.register('supervision.digestOrganization', {
    payload: z.object({ organizationId: z.uuid(), week: isoDateSchema }),
    handle: (job) => supervision.digest(job.organizationId),
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    const week = weekStart(day);
    return (await listOrganizationIdsWithPlans(executor)).flatMap((organizationId) => [
      {
        kind: 'supervision.sweepOrganization' as const,
        organizationId,
        payload: { organizationId, day },
        dedupeKey: sweepKey(organizationId, day),
        runAt: sendingHour(day),
      },
      {
        kind: 'supervision.digestOrganization' as const,
        organizationId,
        payload: { organizationId, week },
        dedupeKey: digestKey(organizationId, week),
        runAt: sendingHour(week),
      },
    ]);
  });
}
