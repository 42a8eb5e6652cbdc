/**
 * 三色预警: late work turns yellow, orange, then red by the days it is overdue, at thresholds the
 * office sets. Pure: the server and the web both read a colour from here.
 */

export const warningColours = ['yellow', 'orange', 'red'] as const;
export type WarningColour = (typeof warningColours)[number];

export interface WarningThresholds {
  /** Days overdue from which a late thing is yellow, orange and red. */
  yellowDays: number;
  orangeDays: number;
  redDays: number;
}

export const DEFAULT_WARNING_THRESHOLDS: WarningThresholds = {
  yellowDays: 1,
  orangeDays: 7,
  redDays: 15,
};

/** The largest threshold the office may set: a year. */
export const MAX_WARNING_DAYS = 366;

/** What is wrong with a set of thresholds, or null when they hold. */
export type ThresholdProblem = 'not_integer' | 'out_of_range' | 'not_increasing';

export function thresholdProblem(thresholds: WarningThresholds): ThresholdProblem | null {
  const values = [thresholds.yellowDays, thresholds.orangeDays, thresholds.redDays];
  if (values.some((value) => !Number.isInteger(value))) return 'not_integer';
  if (values.some((value) => value < 1 || value > MAX_WARNING_DAYS)) return 'out_of_range';
  if (
    !(thresholds.yellowDays < thresholds.orangeDays && thresholds.orangeDays < thresholds.redDays)
  )
    return 'not_increasing';
  return null;
}

/** The colour of a thing overdue by this many days; null while it is not yet late enough. */
export function warningColour(
  daysOverdue: number,
  thresholds: WarningThresholds,
): WarningColour | null {
  if (daysOverdue >= thresholds.redDays) return 'red';
  if (daysOverdue >= thresholds.orangeDays) return 'orange';
  if (daysOverdue >= thresholds.yellowDays) return 'yellow';
  return null;
}

/** The worse of two colours (a department shows its worst). */
export function worseColour(
  a: WarningColour | null,
  b: WarningColour | null,
): WarningColour | null {
  const rank = (colour: WarningColour | null) =>
    colour === null ? -1 : warningColours.indexOf(colour);
  return rank(a) >= rank(b) ? a : b;
}

/** A notice's number as printed: 督办〔2026〕3号. */
export function noticeNumberText(year: number, number: number): string {
  return `督办〔${year}〕${number}号`;
}
