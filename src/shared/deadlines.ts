import { z } from 'zod';
import { isoDateSchema } from './plan-import/contract';

/**
 * When a measure is due (完成时限): a date, or a recurrence with its first due date.
 * 长期坚持 (ongoing) has no end, but still a first date by which it must have started.
 */
export const deadlineKinds = ['date', 'monthly', 'semester', 'yearly', 'ongoing'] as const;
export const deadlineSchema = z.object({
  kind: z.enum(deadlineKinds),
  /** The date, or the first due date of a recurrence. */
  dueOn: isoDateSchema,
});
export type Deadline = z.infer<typeof deadlineSchema>;

/** 2024-04-30 → 2024年4月30日; recurrences as plans write them. */
export function describeDeadline(deadline: Deadline): string {
  const [year, month, day] = deadline.dueOn.split('-').map(Number);
  const date = `${year}年${month}月${day}日`;
  switch (deadline.kind) {
    case 'date':
      return date;
    case 'monthly':
      return `每月（自${date}起）`;
    case 'semester':
      return `每学期（自${date}起）`;
    case 'yearly':
      return `每年（自${date}起）`;
    case 'ongoing':
      return `长期坚持（自${date}起）`;
  }
}
