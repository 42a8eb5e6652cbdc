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
