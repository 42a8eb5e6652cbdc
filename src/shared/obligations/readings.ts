import { calendarDate, defaultTimeZone, isPastDue } from '../dates';
import {
  defaultSemestersCovering,
  periodsOf,
  shareOf,
  type DateRange,
  type NotCounted,
  type PeriodStatus,
  type PlanCalendar,
} from './compliance';
import type {
  ConfirmedCoverageObligation,
  ConfirmedFrequencyObligation,
} from './obligation.contract';

/**
 * Obligations that bind people one by one (全体教师…全覆盖, 每名青年教师每年至少参加1次) are
 * recorded by a department as readings, "32 of 35 teachers", not as a list of names: the
 * department knows its headcount, Luoshi does not keep a roll of teachers. A period is judged by
 * its latest reading, since a share is a state and the last word on it is the current one.
 */
export interface ShareReading {
  on: string;
  achieved: number;
  outOf: number;
}

export interface ReadingPeriodCompliance extends DateRange {
  label: string;
  extendsBeyondCycle: boolean;
  /** Members the target asks for, from the latest reading; null until the period has one. */
  required: number | null;
  /** Members reached at the latest reading; null until the period has one. */
  recorded: number | null;
  shortfall: number | null;
  /** The reading the period is judged by. */
  reading: ShareReading | null;
  status: PeriodStatus;
}

export interface ReadingComplianceReport {
  periods: ReadingPeriodCompliance[];
  notCounted: NotCounted[];
}

/** Whether an obligation is recorded as share readings rather than counted occurrence by occurrence. */
export function isCountedByReadings(obligation: {
  kind: 'frequency' | 'coverage';
  eachOf?: string | null;
}): boolean {
  return obligation.kind === 'coverage' || (obligation.eachOf ?? null) !== null;
}

/**
 * How many of a reading's members the obligation asks for: the target share of a coverage
 * (rounded up, as shareOf does), everyone for a frequency that binds each person.
 */
export function requiredOf(
  obligation: ConfirmedCoverageObligation | ConfirmedFrequencyObligation,
  outOf: number,
): number {
  return obligation.kind === 'coverage' ? shareOf(outOf, obligation.targetPercent) : outOf;
}

export function assessReadings(
  obligation: ConfirmedCoverageObligation | ConfirmedFrequencyObligation,
  calendar: PlanCalendar,
  readings: readonly ShareReading[],
  now: Date,
): ReadingComplianceReport {
  if (!isCountedByReadings(obligation))
    throw new RangeError(
      'the obligation is counted occurrence by occurrence: assess it with assessFrequency',
    );
  const timeZone = calendar.timeZone ?? defaultTimeZone;
  const today = calendarDate(now, timeZone);
  const periods = periodsOf(obligation.period, calendar);
  const notCounted: NotCounted[] = [];
  const counted: ShareReading[] = [];
  for (const reading of readings) {
    if (
      !Number.isInteger(reading.achieved) ||
      !Number.isInteger(reading.outOf) ||
      reading.outOf <= 0 ||
      reading.achieved < 0 ||
      reading.achieved > reading.outOf
    ) {
      throw new RangeError(`not a share: ${reading.achieved}/${reading.outOf}`);
    }
    if (reading.on > today) notCounted.push({ on: reading.on, reason: 'after-today' });
    else if (
      !periods.some((period) => period.startsOn <= reading.on && reading.on <= period.endsOn)
    )
      notCounted.push({ on: reading.on, reason: 'outside-periods' });
    else counted.push(reading);
  }
  return {
    periods: periods.map((period) => {
      // The latest by date; of two on one day, the one given later.
      const reading = counted
        .filter((candidate) => period.startsOn <= candidate.on && candidate.on <= period.endsOn)
        .reduce<ShareReading | null>(
          (latest, candidate) =>
            latest === null || candidate.on >= latest.on ? candidate : latest,
          null,
        );
      const required = reading ? requiredOf(obligation, reading.outOf) : null;
      const shortfall =
        reading && required !== null ? Math.max(0, required - reading.achieved) : null;
      const status: PeriodStatus =
        shortfall === 0
          ? 'met'
          : isPastDue(period.endsOn, now, timeZone)
            ? 'late'
            : today < period.startsOn
              ? 'upcoming'
              : 'in-progress';
      return {
        label: period.label,
        startsOn: period.startsOn,
        endsOn: period.endsOn,
        extendsBeyondCycle:
          period.startsOn < calendar.cycle.startsOn || period.endsOn > calendar.cycle.endsOn,
        required,
        recorded: reading?.achieved ?? null,
        shortfall,
        reading,
        status,
      };
    }),
    notCounted,
  };
}

/**
 * A plan's calendar: its cycle runs from the first day of its first phase to the last day of its
 * last one (动员部署 2024年4月 … 成果总结 2024年11月); a plan whose phases carry no dates runs
 * through its cycle year. Semesters are the default academic calendar's until an institution
 * keeps its own 校历.
 */
export function planCalendar(
  phases: readonly { startsOn: string | null; endsOn: string | null }[],
  cycleYear: number,
): PlanCalendar {
  const starts = phases
    .map((phase) => phase.startsOn)
    .filter((day): day is string => day !== null)
    .sort();
  const ends = phases
    .map((phase) => phase.endsOn ?? phase.startsOn)
    .filter((day): day is string => day !== null)
    .sort();
  const cycle = {
    startsOn: starts[0] ?? `${cycleYear}-01-01`,
    endsOn: ends.at(-1) ?? `${cycleYear}-12-31`,
  };
  if (cycle.endsOn < cycle.startsOn) cycle.endsOn = cycle.startsOn;
  return { cycle, semesters: defaultSemestersCovering(cycle) };
}
