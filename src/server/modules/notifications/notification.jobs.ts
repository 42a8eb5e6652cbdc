import { z } from 'zod';
import { calendarDate } from '../../../shared/dates';
import { isoDateSchema } from '../../../shared/plan-import/contract';
import type { JobRunner } from '../jobs/job.runner';
import { listOrganizationIdsWithPlans } from '../supervision/supervision.repository';
import type { NotificationService } from './notification.service';

declare module '../jobs/job.runner' {
  interface JobPayloads {
    'notifications.dailyOrganization': { organizationId: string; day: string };
  }
}

/** Daily messages go out from 07:30 Beijing time, before the supervision sweep. */
const sendingTime = (day: string) => new Date(`${day}T07:30:00+08:00`);

/**
 * Delivering a message is one job per message (enqueued with it by queueMessages, deduped by the
 * message's id, retried with backoff); the day's due-soon and overdue messages are one job per
 * organization with a plan and day.
 */
export function registerNotificationJobs(runner: JobRunner, notifications: NotificationService) {
  runner.register('notifications.deliver', {
    payload: z.object({ messageId: z.uuid() }),
    handle: (job) => notifications.deliver(job.messageId),
  });
  runner.register('notifications.dailyOrganization', {
    payload: z.object({ organizationId: z.uuid(), day: isoDateSchema }),
    handle: (job) => notifications.daily(job.organizationId),
  });
  runner.schedule(async (executor, now) => {
    const day = calendarDate(now);
    return (await listOrganizationIdsWithPlans(executor)).map((organizationId) => ({
      kind: 'notifications.dailyOrganization' as const,
      organizationId,
      payload: { organizationId, day },
      dedupeKey: `notifications-daily:${organizationId}:${day}`,
      runAt: sendingTime(day),
    }));
  });
}
