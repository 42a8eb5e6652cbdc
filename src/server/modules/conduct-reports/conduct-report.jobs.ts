import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import { isoDateSchema } from '../../../shared/plan-import/contract';
import type { JobRunner } from '../jobs/job.runner';
import { listLateReports } from './conduct-report.repository';
import type { ConductReportService } from './conduct-report.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'conductReports.remindLate': { organizationId: string; day: string };
  }
}

/**
 * The daily reminder of late cases: one job per organization with a late case and day; the
 * messages themselves are deduplicated per case and state deadline (conduct-report.service).
 */
export function registerConductReportJobs(runner: JobRunner, reports: ConductReportService) {
  runner.register('conductReports.remindLate', {
    payload: z.object({ organizationId: z.uuid(), day: isoDateSchema }),
    handle: async (job) => {
      await reports.remindLate(job.organizationId);
    },
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    const organizationIds = new Set(
      (await listLateReports(executor, now)).map((report) => report.organizationId),
    );
    return [...organizationIds].map((organizationId) => ({
      kind: 'conductReports.remindLate' as const,
      organizationId,
      payload: { organizationId, day },
      dedupeKey: `conduct-remind:${organizationId}:${day}`,
    }));
  });
}
