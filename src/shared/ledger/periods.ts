import { calendarDate, defaultTimeZone } from '../dates';
import { ENGLISH_MONTHS } from '../time-format';

/**
 * Reporting periods of the progress ledger (工作进度督办台账): how often departments report, and
 * by which day of the following month each report is due. Pure: dates are calendar dates
 * (yyyy-mm-dd) of the institution's time zone, instants are turned into them with calendarDate.
 */
export const reportingFrequencies = ['monthly', 'quarterly', 'semester'] as const;
export type ReportingFrequency = (typeof reportingFrequencies)[number];

export interface LedgerSettings {
  frequency: ReportingFrequency;
  /** The day of the month after a period's end by which its report is due (1–28, so every month has it). */
  dueDay: number;
  /** Any month (yyyy-mm) in the first period to report, and in the last. */
  firstPeriod: string;
  lastPeriod: string;
}

export interface ReportingPeriod {
  /** 2024-05 (monthly), 2024-Q2 (quarterly), 2024-spring / 2024-autumn (semesters). */
  key: string;
  /** As people say it: 2024年5月, 2024年第二季度, 2023-2024学年第二学期. */
  label: string;
  startsOn: string;
  endsOn: string;
  dueOn: string;
}

/** At most this many periods in one plan (ten years of months): a typo in a year must not make thousands. */
export const maxPeriods = 120;

const pad = (value: number) => String(value).padStart(2, '0');
const monthIndex = (month: string) => {
  const [year, number] = month.split('-').map(Number);
  return year! * 12 + (number! - 1);
};
const monthOf = (index: number) => ({ year: Math.floor(index / 12), month: (index % 12) + 1 });
const firstDay = (index: number) => {
  const { year, month } = monthOf(index);
  return `${year}-${pad(month)}-01`;
};
const lastDay = (index: number) => {
  const { year, month } = monthOf(index);
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
};
const QUARTERS = ['一', '二', '三', '四'];

/** The period of `frequency` that contains month `index` (year*12 + month-1): its first month, length, key and label. */
function periodContaining(
  frequency: ReportingFrequency,
  index: number,
): { start: number; months: number; key: string; label: string } {
  const { year, month } = monthOf(index);
  switch (frequency) {
    case 'monthly':
      return {
        start: index,
        months: 1,
        key: `${year}-${pad(month)}`,
        label: `${year}年${month}月`,
      };
    case 'quarterly': {
      const quarter = Math.floor((month - 1) / 3);
      return {
        start: year * 12 + quarter * 3,
        months: 3,
        key: `${year}-Q${quarter + 1}`,
        label: `${year}年第${QUARTERS[quarter]}季度`,
      };
    }
    case 'semester': {
      // Spring semester (第二学期): February to July; autumn (第一学期): August to the next January.
      if (month >= 2 && month <= 7)
        return {
          start: year * 12 + 1,
          months: 6,
          key: `${year}-spring`,
          label: `${year - 1}-${year}学年第二学期（春季）`,
        };
      const autumnYear = month === 1 ? year - 1 : year;
      return {
        start: autumnYear * 12 + 7,
        months: 6,
        key: `${autumnYear}-autumn`,
        label: `${autumnYear}-${autumnYear + 1}学年第一学期（秋季）`,
      };
    }
  }
}

/**
 * A period's name in one language, from its key: 2024-05 → 2024年5月 / May 2024, 2024-Q1 →
 * 2024年第一季度 / Q1 2024, 2024-spring → 2023-2024学年第二学期（春季）/ Spring semester 2023–2024.
 * The stored label is the Chinese one; a key of another shape is given back as it is. Pure.
 */
export function periodLabel(key: string, locale: 'zh-CN' | 'en'): string {
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) {
    const [year, number] = [Number(month[1]), Number(month[2])];
    return locale === 'en' ? `${ENGLISH_MONTHS[number - 1]} ${year}` : `${year}年${number}月`;
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter) {
    const [year, number] = [Number(quarter[1]), Number(quarter[2])];
    return locale === 'en' ? `Q${number} ${year}` : `${year}年第${QUARTERS[number - 1]}季度`;
  }
  const semester = /^(\d{4})-(spring|autumn)$/.exec(key);
  if (semester) {
    const year = Number(semester[1]);
    const [from, to] = semester[2] === 'spring' ? [year - 1, year] : [year, year + 1];
    if (locale === 'en')
      return `${semester[2] === 'spring' ? 'Spring' : 'Autumn'} semester ${from}–${to}`;
    return semester[2] === 'spring'
      ? `${from}-${to}学年第二学期（春季）`
      : `${from}-${to}学年第一学期（秋季）`;
  }
  return key;
}

/**
 * Every period from the one containing `firstPeriod` to the one containing `lastPeriod`, each due
 * on `dueDay` of the month after it ends (the May report of a monthly ledger due on the 5th: 5 June).
 * Throws a RangeError for settings that make no periods or too many; callers validate before.
 */
export function derivePeriods(settings: LedgerSettings): ReportingPeriod[] {
  const first = monthIndex(settings.firstPeriod);
  const last = monthIndex(settings.lastPeriod);
  if (!Number.isInteger(settings.dueDay) || settings.dueDay < 1 || settings.dueDay > 28)
    throw new RangeError('dueDay must be 1..28');
  if (last < first) throw new RangeError('lastPeriod is before firstPeriod');
  const periods: ReportingPeriod[] = [];
  for (let index = first; index <= last; ) {
    const period = periodContaining(settings.frequency, index);
    const end = period.start + period.months - 1;
    const due = monthOf(end + 1);
    periods.push({
      key: period.key,
      label: period.label,
      startsOn: firstDay(period.start),
      endsOn: lastDay(end),
      dueOn: `${due.year}-${pad(due.month)}-${pad(settings.dueDay)}`,
    });
    if (periods.length > maxPeriods) throw new RangeError(`more than ${maxPeriods} periods`);
    index = end + 1;
  }
  return periods;
}

/** The institution's calendar day of an instant, or a calendar day as given. */
export function dayOf(today: Date | string, timeZone = defaultTimeZone): string {
  return typeof today === 'string' ? today : calendarDate(today, timeZone);
}

export const hasStarted = (period: ReportingPeriod, today: string) => today >= period.startsOn;
/** Past due once the whole due day has passed. */
export const isPastDue = (period: ReportingPeriod, today: string) => today > period.dueOn;

/** The period `today` falls in; before the first, the first; after the last, the last. */
export function currentPeriod(
  periods: readonly ReportingPeriod[],
  today: string,
): ReportingPeriod | null {
  if (periods.length === 0) return null;
  return (
    periods.find((period) => period.startsOn <= today && today <= period.endsOn) ??
    (today < periods[0]!.startsOn ? periods[0]! : periods.at(-1)!)
  );
}

export const reportStatuses = ['not_started', 'on_track', 'done', 'at_risk', 'blocked'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/**
 * Where one measure stands for one period:
 * - upcoming: the period has not started, nothing can be reported yet;
 * - open: started, no report yet, still before the due day is over;
 * - missing: no report and the due day has passed;
 * - reported / late: reported, on time or after the due day (by the first version);
 * - closed: the measure was reported done in an earlier period, nothing more is expected.
 */
export const cellStates = ['upcoming', 'open', 'missing', 'reported', 'late', 'closed'] as const;
export type CellState = (typeof cellStates)[number];

export interface ReportFacts {
  periodKey: string;
  /** Whether the first version came after the due day. */
  late: boolean;
  /** The status of the latest version. */
  status: ReportStatus;
}

/** The state of each period for one measure, in period order, from its reports (latest versions). */
export function measureStates(
  periods: readonly ReportingPeriod[],
  reports: readonly ReportFacts[],
  today: string,
): CellState[] {
  const byPeriod = new Map(reports.map((report) => [report.periodKey, report]));
  let done = false;
  return periods.map((period) => {
    const report = byPeriod.get(period.key);
    if (report) {
      if (report.status === 'done') done = true;
      return report.late ? 'late' : 'reported';
    }
    if (done) return 'closed';
    if (!hasStarted(period, today)) return 'upcoming';
    return isPastDue(period, today) ? 'missing' : 'open';
  });
}

/** One department × period cell of the coordinator's matrix: the worst state among its measures. */
export function worstState(states: readonly CellState[]): CellState | null {
  const order: CellState[] = ['missing', 'late', 'open', 'reported', 'closed', 'upcoming'];
  for (const state of order) if (states.includes(state)) return state;
  return null;
}
