import { describe, expect, it } from 'vitest';
import {
  defaultSemestersCovering,
  type PlanCalendar,
} from '../../src/shared/obligations/compliance';
import type {
  ConfirmedCoverageObligation,
  ConfirmedFrequencyObligation,
} from '../../src/shared/obligations/obligation.contract';
import {
  assessReadings,
  isCountedByReadings,
  planCalendar,
  requiredOf,
} from '../../src/shared/obligations/readings';

const cycle = { startsOn: '2024-04-01', endsOn: '2024-11-30' };
const calendar: PlanCalendar = { cycle, semesters: defaultSemestersCovering(cycle) };
const ninetyPercentEachSemester: ConfirmedCoverageObligation = {
  kind: 'coverage',
  period: 'semester',
  targetPercent: 90,
  population: '教师',
  source: null,
};
const eachYoungTeacherYearly: ConfirmedFrequencyObligation = {
  kind: 'frequency',
  period: 'year',
  minimumCount: 1,
  eachOf: '青年教师',
  source: null,
};
const morningOf = (day: string) => new Date(`${day}T00:00:00Z`);

describe('share readings', () => {
  it('judges a period by its latest reading, rounding the target up', () => {
    const report = assessReadings(
      ninetyPercentEachSemester,
      calendar,
      [
        { on: '2024-03-01', achieved: 10, outOf: 15 },
        { on: '2024-06-01', achieved: 14, outOf: 15 },
        { on: '2024-09-10', achieved: 13, outOf: 15 },
      ],
      morningOf('2024-11-25'),
    );
    expect(
      report.periods.map((period) => [
        period.label,
        period.required,
        period.recorded,
        period.shortfall,
        period.status,
      ]),
    ).toEqual([
      ['2023-2024学年第二学期', 14, 14, 0, 'met'],
      ['2024-2025学年第一学期', 14, 13, 1, 'in-progress'],
    ]);
    expect(report.notCounted).toEqual([]);
  });

  it('leaves a period without a reading unknown, and late once it has ended', () => {
    const [spring] = assessReadings(
      ninetyPercentEachSemester,
      calendar,
      [],
      morningOf('2024-07-16'),
    ).periods;
    expect(spring).toMatchObject({
      required: null,
      recorded: null,
      shortfall: null,
      reading: null,
      status: 'late',
    });
    expect(
      assessReadings(ninetyPercentEachSemester, calendar, [], new Date('2024-07-15T15:59:59Z'))
        .periods[0]!.status,
    ).toBe('in-progress');
  });

  it('needs everyone for a frequency that binds each person, and lists readings that count for no period', () => {
    const report = assessReadings(
      eachYoungTeacherYearly,
      calendar,
      [
        { on: '2024-05-01', achieved: 31, outOf: 32 },
        { on: '2024-12-01', achieved: 32, outOf: 32 },
      ],
      morningOf('2024-11-25'),
    );
    expect(report.periods[0]).toMatchObject({
      label: '2024',
      required: 32,
      recorded: 31,
      status: 'in-progress',
    });
    expect(report.notCounted).toEqual([{ on: '2024-12-01', reason: 'after-today' }]);
    expect(requiredOf(eachYoungTeacherYearly, 5)).toBe(5);
  });

  it('refuses a share that cannot be, and an obligation counted occurrence by occurrence', () => {
    expect(() =>
      assessReadings(
        ninetyPercentEachSemester,
        calendar,
        [{ on: '2024-05-01', achieved: 16, outOf: 15 }],
        morningOf('2024-11-25'),
      ),
    ).toThrow(/share/);
    const monthly: ConfirmedFrequencyObligation = {
      kind: 'frequency',
      period: 'month',
      minimumCount: 1,
      eachOf: null,
      source: null,
    };
    expect(isCountedByReadings(monthly)).toBe(false);
    expect(() => assessReadings(monthly, calendar, [], morningOf('2024-11-25'))).toThrow(
      /assessFrequency/,
    );
  });
});

describe("a plan's calendar", () => {
  it('runs from its first phase to its last, with the default semesters', () => {
    const phases = [
      { startsOn: '2024-04-01', endsOn: '2024-04-30' },
      { startsOn: '2024-05-01', endsOn: '2024-09-30' },
      { startsOn: '2024-10-01', endsOn: '2024-11-30' },
    ];
    expect(planCalendar(phases, 2024).cycle).toEqual(cycle);
    expect(planCalendar(phases, 2024).semesters.map((semester) => semester.label)).toEqual([
      '2023-2024学年第二学期',
      '2024-2025学年第一学期',
    ]);
  });

  it('runs through its cycle year when the phases carry no dates', () => {
    expect(planCalendar([{ startsOn: null, endsOn: null }], 2025).cycle).toEqual({
      startsOn: '2025-01-01',
      endsOn: '2025-12-31',
    });
  });
});
