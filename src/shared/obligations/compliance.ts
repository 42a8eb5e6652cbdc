import { calendarDate, defaultTimeZone, isPastDue } from '../dates';
import type {
  ConfirmedCoverageObligation,
  ConfirmedFrequencyObligation,
  ObligationPeriod,
} from './obligation.contract';

/** Inclusive calendar dates (yyyy-mm-dd) where the institution is. */
export interface DateRange {
  startsOn: string;
  endsOn: string;
}

export interface Semester extends DateRange {
  /** As the 校历 names it, e.g. 2024-2025学年第一学期. */
  label: string;
}

export interface PlanCalendar {
  /** The plan's cycle, e.g. its phases from 动员部署 to 成果总结. */
  cycle: DateRange;
  /**
   * The institution's 校历. An input, not a rule, because every university sets its own dates
   * and they move each year; `defaultSemestersCovering` is only a starting point.
   */
  semesters: readonly Semester[];
  /** Whose calendar day decides lateness; China Standard Time unless the institution says otherwise. */
  timeZone?: string;
}

/**
 * The usual shape of a Chinese academic year when the 校历 is not known: the autumn semester
 * (第一学期) from 1 September to 15 January, the spring semester (第二学期) from 15 February to
 * 15 July. The breaks between them belong to no semester, on purpose: work done in the summer
 * break does not meet "each semester", and the report says so instead of hiding it.
 * Returns the two semesters that start in `year`.
 */
export function defaultSemestersOfYear(year: number): Semester[] {
  return [
    {
      label: `${year - 1}-${year}学年第二学期`,
      startsOn: `${year}-02-15`,
      endsOn: `${year}-07-15`,
    },
    {
      label: `${year}-${year + 1}学年第一学期`,
      startsOn: `${year}-09-01`,
      endsOn: `${year + 1}-01-15`,
    },
  ];
}

/** The default semesters that overlap `range`, including the autumn semester running into its first January. */
export function defaultSemestersCovering(range: DateRange): Semester[] {
  const semesters: Semester[] = [];
  for (let year = yearOf(range.startsOn) - 1; year <= yearOf(range.endsOn); year += 1) {
    semesters.push(
      ...defaultSemestersOfYear(year).filter((semester) => rangesOverlap(semester, range)),
    );
  }
  return semesters;
}

export type PeriodStatus = 'met' | 'in-progress' | 'upcoming' | 'late';

export interface PeriodCompliance extends DateRange {
  label: string;
  /**
   * The period starts before or ends after the cycle. Periods are kept whole rather than cut to
   * the cycle: "每学期至少1次" asks for one per semester, and a meeting in March still counts for
   * a spring semester whose plan started in April. The flag lets a screen say so.
   */
  extendsBeyondCycle: boolean;
  required: number;
  recorded: number;
  /** How many are still missing: 0 when met. */
  shortfall: number;
  /**
   * late: the period's last day has passed where the institution is and it fell short.
   * in-progress: it has started and not yet ended (its last day counts as not ended); short so far.
   * upcoming: it has not started yet.
   */
  status: PeriodStatus;
}

export type NotCountedReason = 'after-today' | 'outside-periods' | 'not-in-population';

export interface NotCounted {
  on: string;
  subject?: string;
  reason: NotCountedReason;
}

export interface ComplianceReport {
  periods: PeriodCompliance[];
  /**
   * Occurrences that count for no period, listed rather than dropped so a department sees why:
   * dated after today (a plan, not a record), outside every period (a semester break), or of
   * someone outside the population.
   */
  notCounted: NotCounted[];
}

export interface PopulationPeriodCompliance extends PeriodCompliance {
  /** Members of the population who have not reached their own minimum in this period, in input order. */
  notReached: string[];
}

export interface PopulationComplianceReport {
  periods: PopulationPeriodCompliance[];
  notCounted: NotCounted[];
}

/**
 * Compliance of an obligation counted for the department as a whole: each period needs
 * `minimumCount` occurrences. Occurrence dates are calendar days where the institution is
 * (turn instants into days with `calendarDate` first).
 */
export function assessFrequency(
  obligation: ConfirmedFrequencyObligation,
  calendar: PlanCalendar,
  occurrenceDates: readonly string[],
  now: Date,
): ComplianceReport {
  if (obligation.eachOf !== null) {
    throw new RangeError(
      `the obligation binds each of ${obligation.eachOf}: assess it with assessPopulation`,
    );
  }
  const timeZone = calendar.timeZone ?? defaultTimeZone;
  const today = calendarDate(now, timeZone);
  const periods = periodsOf(obligation.period, calendar);
  occurrenceDates.forEach(assertIsoDate);
  const notCounted: NotCounted[] = [];
  const counted: string[] = [];
  for (const on of occurrenceDates) {
    if (on > today) notCounted.push({ on, reason: 'after-today' });
    else if (!periods.some((period) => contains(period, on)))
      notCounted.push({ on, reason: 'outside-periods' });
    else counted.push(on);
  }
  return {
    periods: periods.map((period) =>
      judge(
        period,
        calendar.cycle,
        obligation.minimumCount,
        counted.filter((on) => contains(period, on)).length,
        now,
        timeZone,
      ),
    ),
    notCounted,
  };
}

/**
 * Compliance of an obligation counted person by person: a frequency that binds each of a
 * population (每名青年教师每年至少参加1次: everyone must reach the minimum) or a coverage target
 * (全覆盖, 100%: that share of the population must have at least one occurrence). `population`
 * names each member once, e.g. by user id; `subject` of an occurrence is one of those names.
 */
export function assessPopulation(
  obligation: ConfirmedFrequencyObligation | ConfirmedCoverageObligation,
  calendar: PlanCalendar,
  population: readonly string[],
  occurrences: readonly { on: string; subject: string }[],
  now: Date,
): PopulationComplianceReport {
  if (obligation.kind === 'frequency' && obligation.eachOf === null) {
    throw new RangeError(
      'the obligation is counted for the department as a whole: assess it with assessFrequency',
    );
  }
  if (new Set(population).size !== population.length)
    throw new RangeError('population names a member twice');
  const timeZone = calendar.timeZone ?? defaultTimeZone;
  const today = calendarDate(now, timeZone);
  const periods = periodsOf(obligation.period, calendar);
  const members = new Set(population);
  const perMember = obligation.kind === 'frequency' ? obligation.minimumCount : 1;
  const required =
    obligation.kind === 'frequency'
      ? population.length
      : shareOf(population.length, obligation.targetPercent);

  const notCounted: NotCounted[] = [];
  const counted: { on: string; subject: string }[] = [];
  for (const occurrence of occurrences) {
    assertIsoDate(occurrence.on);
    const { on, subject } = occurrence;
    if (!members.has(subject)) notCounted.push({ on, subject, reason: 'not-in-population' });
    else if (on > today) notCounted.push({ on, subject, reason: 'after-today' });
    else if (!periods.some((period) => contains(period, on)))
      notCounted.push({ on, subject, reason: 'outside-periods' });
    else counted.push(occurrence);
  }

  return {
    periods: periods.map((period) => {
      const countBySubject = new Map<string, number>();
      for (const { on, subject } of counted) {
        if (contains(period, on))
          countBySubject.set(subject, (countBySubject.get(subject) ?? 0) + 1);
      }
      const notReached = population.filter(
        (member) => (countBySubject.get(member) ?? 0) < perMember,
      );
      const reached = population.length - notReached.length;
      return { ...judge(period, calendar.cycle, required, reached, now, timeZone), notReached };
    }),
    notCounted,
  };
}

/**
 * The number of members a percentage asks for, rounded up: 90% of 15 teachers is 14, since 13
 * would fall short of 90%. Rounded to 9 decimals first so 100% of 3 is not 3.0000000001 → 4.
 */
export function shareOf(populationSize: number, targetPercent: number): number {
  return Math.ceil(Number(((populationSize * targetPercent) / 100).toFixed(9)));
}

interface Period extends DateRange {
  label: string;
}

function judge(
  period: Period,
  cycle: DateRange,
  required: number,
  recorded: number,
  now: Date,
  timeZone: string,
): PeriodCompliance {
  const shortfall = Math.max(0, required - recorded);
  const today = calendarDate(now, timeZone);
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
    extendsBeyondCycle: period.startsOn < cycle.startsOn || period.endsOn > cycle.endsOn,
    required,
    recorded,
    shortfall,
    status,
  };
}

/**
 * The periods of the given kind that overlap the cycle. Months, quarters and years follow the
 * calendar year, because 每年 in a plan written for a calendar year (2024年工作方案) means that year.
 */
export function periodsOf(period: ObligationPeriod, calendar: PlanCalendar): readonly Period[] {
  // Asked once per obligation and department against one calendar: computed once per calendar.
  let byPeriod = periodsOfCalendar.get(calendar);
  if (!byPeriod) {
    byPeriod = new Map();
    periodsOfCalendar.set(calendar, byPeriod);
  }
  let periods = byPeriod.get(period);
  if (!periods) {
    periods = computePeriods(period, calendar);
    byPeriod.set(period, periods);
  }
  return periods;
}

const periodsOfCalendar = new WeakMap<PlanCalendar, Map<ObligationPeriod, readonly Period[]>>();

function computePeriods(period: ObligationPeriod, calendar: PlanCalendar): Period[] {
  const { cycle } = calendar;
  assertIsoDate(cycle.startsOn);
  assertIsoDate(cycle.endsOn);
  if (cycle.startsOn > cycle.endsOn)
    throw new RangeError(`the cycle ends (${cycle.endsOn}) before it starts (${cycle.startsOn})`);
  switch (period) {
    case 'cycle':
      return [
        {
          label: `${cycle.startsOn}/${cycle.endsOn}`,
          startsOn: cycle.startsOn,
          endsOn: cycle.endsOn,
        },
      ];
    case 'semester':
      return checkedSemesters(calendar.semesters).filter((semester) =>
        rangesOverlap(semester, cycle),
      );
    case 'month':
      return monthRanges(cycle, 1, (year, month) => `${year}-${pad(month)}`);
    case 'quarter':
      return monthRanges(cycle, 3, (year, month) => `${year}-Q${(month + 2) / 3}`);
    case 'year':
      return monthRanges(cycle, 12, (year) => String(year));
  }
}

/** Calendar-aligned blocks of `months` months (1, 3 or 12) that overlap the cycle. */
function monthRanges(
  cycle: DateRange,
  months: number,
  label: (year: number, firstMonth: number) => string,
): Period[] {
  const ranges: Period[] = [];
  let year = yearOf(cycle.startsOn);
  let month = Math.floor((monthOf(cycle.startsOn) - 1) / months) * months + 1;
  for (;;) {
    const startsOn = `${year}-${pad(month)}-01`;
    if (startsOn > cycle.endsOn) return ranges;
    const lastMonth = month + months - 1;
    ranges.push({
      label: label(year, month),
      startsOn,
      endsOn: `${year}-${pad(lastMonth)}-${pad(daysInMonth(year, lastMonth))}`,
    });
    month += months;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
}

function checkedSemesters(semesters: readonly Semester[]): Semester[] {
  const sorted = [...semesters].sort((a, b) =>
    a.startsOn < b.startsOn ? -1 : a.startsOn > b.startsOn ? 1 : 0,
  );
  sorted.forEach((semester, index) => {
    assertIsoDate(semester.startsOn);
    assertIsoDate(semester.endsOn);
    if (semester.startsOn > semester.endsOn)
      throw new RangeError(`${semester.label} ends before it starts`);
    const previous = sorted[index - 1];
    // An occurrence in two semesters would count twice.
    if (previous && previous.endsOn >= semester.startsOn)
      throw new RangeError(`${previous.label} and ${semester.label} overlap`);
  });
  return sorted;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertIsoDate(value: string): void {
  const match = ISO_DATE.exec(value);
  const valid =
    match !== null &&
    Number(match[2]) >= 1 &&
    Number(match[2]) <= 12 &&
    Number(match[3]) >= 1 &&
    Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]));
  if (!valid) throw new RangeError(`not a calendar date (yyyy-mm-dd): ${value}`);
}

const contains = (range: DateRange, on: string) => range.startsOn <= on && on <= range.endsOn;
const rangesOverlap = (a: DateRange, b: DateRange) =>
  a.startsOn <= b.endsOn && b.startsOn <= a.endsOn;
const yearOf = (date: string) => Number(date.slice(0, 4));
const monthOf = (date: string) => Number(date.slice(5, 7));
const pad = (value: number) => String(value).padStart(2, '0');
/** Day 0 of the next month is the last day of this one; UTC so no local clock can shift it. */
const daysInMonth = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();
