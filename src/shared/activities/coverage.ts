/**
 * Coverage (覆盖率): of the teachers a rule names, who took part in an activity of its kind within
 * the rule's window — every 青年教师 once a year (国情研修), every teacher once per 聘期, every
 * teacher monthly (理论学习). Pure.
 */
export const coverageFrequencies = ['yearly', 'monthly', 'contract_period'] as const;
export type CoverageFrequency = (typeof coverageFrequencies)[number];

/** The first and last day (ISO, inclusive) a rule looks at, as of a day. */
export function coverageWindow(
  frequency: CoverageFrequency,
  asOf: string,
  contractYears: number,
): { from: string; to: string } {
  const [year, month] = asOf.split('-').map(Number) as [number, number];
  if (frequency === 'yearly') return { from: `${year}-01-01`, to: asOf };
  if (frequency === 'monthly')
    return { from: `${year}-${String(month).padStart(2, '0')}-01`, to: asOf };
  return { from: `${year - contractYears}${asOf.slice(4)}`, to: asOf };
}

export interface CoveragePerson {
  id: string;
  name: string;
  workNo: string;
  departmentId: string | null;
}

export interface CoverageCount {
  departmentId: string | null;
  required: number;
  covered: number;
  missing: CoveragePerson[];
}

/** Per department and for the institution: who must, who did, and who is still missing. */
export function computeCoverage(
  people: readonly CoveragePerson[],
  attended: ReadonlyMap<string, readonly string[]>,
  window: { from: string; to: string },
): { institution: CoverageCount; departments: CoverageCount[] } {
  const inWindow = (person: CoveragePerson) =>
    (attended.get(person.id) ?? []).some((day) => day >= window.from && day <= window.to);
  const count = (group: readonly CoveragePerson[], departmentId: string | null): CoverageCount => {
    const missing = group.filter((person) => !inWindow(person));
    return {
      departmentId,
      required: group.length,
      covered: group.length - missing.length,
      missing,
    };
  };
  const byDepartment = new Map<string | null, CoveragePerson[]>();
  for (const person of people)
    byDepartment.set(person.departmentId, [
      ...(byDepartment.get(person.departmentId) ?? []),
      person,
    ]);
  return {
    institution: count(people, null),
    departments: [...byDepartment].map(([departmentId, group]) => count(group, departmentId)),
  };
}

/** The period a coverage reminder speaks of: its key (2024, 2024-11) and the day it is due. */
export interface CoveragePeriod {
  key: string;
  from: string;
  dueOn: string;
}

/**
 * How many days before a period's due day its liaisons are reminded of the people still missing:
 * a month ahead of the year's end, a week ahead of the month's.
 */
export const COVERAGE_REMINDER_DAYS: Record<CoverageFrequency, number> = {
  yearly: 30,
  contract_period: 30,
  monthly: 7,
};

/**
 * The running period of a rule on a day. A yearly rule is due by 31 December, a monthly one by
 * the month's last day; a 聘期 rule counts a rolling window, so it is reminded of once a year,
 * by 31 December, like a yearly one.
 */
export function coveragePeriod(frequency: CoverageFrequency, today: string): CoveragePeriod {
  const [year, month] = today.split('-').map(Number) as [number, number];
  if (frequency === 'monthly') {
    const monthKey = `${year}-${String(month).padStart(2, '0')}`;
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { key: monthKey, from: `${monthKey}-01`, dueOn: `${monthKey}-${lastDay}` };
  }
  return { key: String(year), from: `${year}-01-01`, dueOn: `${year}-12-31` };
}

/** The running period when its reminder window is open on `today` (near its due day), else null. */
export function coverageReminderPeriod(
  frequency: CoverageFrequency,
  today: string,
): CoveragePeriod | null {
  const period = coveragePeriod(frequency, today);
  const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const daysLeft = dayNumber(period.dueOn) - dayNumber(today);
  return daysLeft >= 0 && daysLeft <= COVERAGE_REMINDER_DAYS[frequency] ? period : null;
}
