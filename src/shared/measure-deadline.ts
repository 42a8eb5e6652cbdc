import { z } from 'zod';
import { deadlineKinds, type Deadline } from './deadlines';
import { isoDateSchema } from './plan-import/contract';

/**
 * A measure's 完成时限 as a person gives it — on the web form, in the 任务分解表 uploaded back, or
 * through the API — checked by one rule, so that all three accept and refuse the same things:
 * - 具体日期 (date) and 每学期 (semester) need their date: semesters end on different days at every
 *   institution, and a one-off deadline is nothing without its day;
 * - 每月 and 每年 may leave out their first date: the end of the plan's first month, and 31 December
 *   of the plan's year;
 * - 长期坚持 (ongoing) needs no date: it runs from the plan's start.
 * A default comes from the plan, never from the day the form or the sheet happens to be filled in.
 * Pure.
 */

export type DeadlineKind = (typeof deadlineKinds)[number];

/** What the plan gives a deadline without a date. */
export interface MeasureDeadlineContext {
  /** The plan's year (cycle). */
  year: number;
  /** The plan's first day (yyyy-mm-dd): its first phase's start, or 1 January of its year. */
  startsOn: string;
}

/** Whether the date must be given, may be left out (a default comes from the plan), or is not asked. */
export type DateNeed = 'required' | 'optional' | 'none';
export const deadlineDateNeed: Record<DeadlineKind, DateNeed> = {
  date: 'required',
  semester: 'required',
  monthly: 'optional',
  yearly: 'optional',
  ongoing: 'none',
};

/** The date box's label: 完成日期 for a date, 首次完成日期 for a recurrence; null when none is asked. */
export function deadlineDateLabel(kind: DeadlineKind): 'dueOn' | 'firstDue' | null {
  if (kind === 'ongoing') return null;
  return kind === 'date' ? 'dueOn' : 'firstDue';
}

const pad = (value: number) => String(value).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A yyyy-mm-dd that names a day of the calendar (2024-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= lastDayOfMonth(year, month);
}

/** The date a deadline without one takes from the plan; null when the kind needs its date. */
export function defaultFirstDate(
  kind: DeadlineKind,
  context: MeasureDeadlineContext,
): string | null {
  const [year, month] = context.startsOn.split('-').map(Number) as [number, number];
  switch (kind) {
    case 'ongoing':
      return context.startsOn;
    case 'monthly':
      return `${year}-${pad(month)}-${pad(lastDayOfMonth(year, month))}`;
    case 'yearly':
      return `${context.year}-12-31`;
    case 'date':
    case 'semester':
      return null;
  }
}

export type MeasureDeadlineProblem = 'date_required' | 'no_such_date';

export type MeasureDeadlineReading =
  | {
      ok: true;
      deadline: Deadline;
      /** False when the date came from the plan: a caller may keep a date it already has. */
      dateGiven: boolean;
    }
  | { ok: false; problem: MeasureDeadlineProblem };

/** A kind and, perhaps, a date → the measure's deadline, or why it cannot be one. */
export function resolveMeasureDeadline(
  input: { kind: DeadlineKind; dueOn?: string | null | undefined },
  context: MeasureDeadlineContext,
): MeasureDeadlineReading {
  const given = input.dueOn?.trim() || null;
  if (given !== null) {
    if (!isCalendarDate(given)) return { ok: false, problem: 'no_such_date' };
    return { ok: true, deadline: { kind: input.kind, dueOn: given }, dateGiven: true };
  }
  const fallback = defaultFirstDate(input.kind, context);
  if (fallback === null) return { ok: false, problem: 'date_required' };
  return { ok: true, deadline: { kind: input.kind, dueOn: fallback }, dateGiven: false };
}

/** The plan's context from its year and its phases' first days (null for a phase without dates). */
export function measureDeadlineContext(
  year: number,
  phaseStarts: readonly (string | null)[],
): MeasureDeadlineContext {
  const starts = phaseStarts.filter((start): start is string => start !== null).sort();
  return { year, startsOn: starts[0] ?? `${year}-01-01` };
}

/** A deadline as a client sends it: the date may be left out where the rule gives one. */
export const measureDeadlineInputSchema = z.object({
  kind: z.enum(deadlineKinds),
  dueOn: isoDateSchema.nullable().optional(),
});
export type MeasureDeadlineInput = z.infer<typeof measureDeadlineInputSchema>;
