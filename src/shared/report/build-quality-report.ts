import type { QualityReport, Rate, RecordRef, TeacherFigure } from './quality-report.contract';

/**
 * The records a quality report is computed from, already read and scoped to one plan by the
 * server. Shapes are the narrow views this computation needs, not the tables.
 */
export interface QualityReportInput {
  title: string;
  organizationName: string;
  plan: { id: string; title: string; cycleYear: number };
  asOf: string;
  generatedAt: string;
  items: { id: string; no: number; level1Code: string; level1Title: string }[];
  /** The departments with duties in the plan; each has a row, even with nothing reported. */
  departments: { id: string; name: string }[];
  /** Every measure of the plan with the status of its latest progress report (null: none yet). */
  measures: { id: string; itemId: string; departmentId: string; latestStatus: string | null }[];
  /** Period reports due on or before `asOf`; `submittedOn` null when still missing. */
  periodReports: {
    measureId: string;
    /** The ledger's period (absent in hand-made inputs); names the row behind an on-time figure. */
    periodKey?: string;
    departmentId: string;
    itemId: string;
    dueOn: string;
    submittedOn: string | null;
  }[];
  evidenceCount: number;
  obligations: {
    id: string;
    itemNo: number;
    description: string;
    periods: { status: 'met' | 'in-progress' | 'late' | 'upcoming' }[];
  }[];
  scale: { key: string; label: string; score: number }[];
  /** The institution's moderated rating of each rated item. */
  ratings: { itemId: string; rating: string }[];
  findings: {
    id: string;
    title: string;
    kind: string;
    state: string;
    ownerDepartmentId: string;
    dueOn: string | null;
    open: boolean;
  }[];
  summaries: { departmentId: string; highlights: string }[];
  /** Figures counted per teacher (surveys, coverage, third-party results), already computed. */
  teacherFigures?: TeacherFigure[];
}

/** One decimal, as a report prints a percentage; null when there is nothing to divide. */
export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;
}

function rate(numerator: number, denominator: number, ref: RecordRef): Rate {
  return { numerator, denominator, value: percent(numerator, denominator), ref };
}

/** The ledger's filters for the items of one indicator: their numbers run from … to …. */
function itemRange(
  items: QualityReportInput['items'],
  filters: Record<string, string>,
): Record<string, string> {
  const numbers = items.map((item) => item.no);
  return numbers.length === 0
    ? filters
    : { ...filters, itemFrom: String(Math.min(...numbers)), itemTo: String(Math.max(...numbers)) };
}

/** Completion and on-time rates of some measures; their records are the ledger's rows under `filters`. */
function rates(
  measures: QualityReportInput['measures'],
  reports: QualityReportInput['periodReports'],
  filters: Record<string, string>,
) {
  const done = measures.filter((measure) => measure.latestStatus === 'done').length;
  const onTime = reports.filter(
    (report) => report.submittedOn !== null && report.submittedOn <= report.dueOn,
  ).length;
  return {
    completion: rate(done, measures.length, {
      page: 'ledger',
      filters: { ...filters, status: 'done' },
    }),
    onTime: rate(onTime, reports.length, { page: 'ledger', filters }),
  };
}

/** The rows of `list` under each key, in their order: one pass instead of one filter per key. */
function groupBy<T>(list: readonly T[], keyOf: (row: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of list) {
    const key = keyOf(row);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** Computes every figure of the quality report from the plan's records. Pure: same records, same report. */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const level1Of = new Map(input.items.map((item) => [item.id, item.level1Code]));
  const level1s = [
    ...new Map(input.items.map((item) => [item.level1Code, item.level1Title])).entries(),
  ];
  const departmentName = new Map(
    input.departments.map((department) => [department.id, department.name]),
  );
  const planFilter = { plan: input.plan.id };

  // A year's period reports are tens of thousands (a measure × its due periods): grouped once.
  const measuresOfLevel1 = groupBy(input.measures, (measure) => level1Of.get(measure.itemId));
  const reportsOfLevel1 = groupBy(input.periodReports, (report) => level1Of.get(report.itemId));
  const measuresOfDepartment = groupBy(input.measures, (measure) => measure.departmentId);
  const reportsOfDepartment = groupBy(input.periodReports, (report) => report.departmentId);
  const byLevel1 = level1s.map(([code, title]) => ({
    code,
    title,
    ...rates(
      measuresOfLevel1.get(code) ?? [],
      reportsOfLevel1.get(code) ?? [],
      itemRange(
        input.items.filter((item) => item.level1Code === code),
        planFilter,
      ),
    ),
  }));
  const byDepartment = input.departments.map((department) => ({
    departmentId: department.id,
    name: department.name,
    ...rates(
      measuresOfDepartment.get(department.id) ?? [],
      reportsOfDepartment.get(department.id) ?? [],
      { ...planFilter, departmentId: department.id },
    ),
  }));

  const obligationRows = input.obligations.map((obligation) => {
    const counted = obligation.periods.filter(
      (period) => period.status === 'met' || period.status === 'late',
    );
    const met = counted.filter((period) => period.status === 'met').length;
    return {
      obligationId: obligation.id,
      itemNo: obligation.itemNo,
      description: obligation.description,
      met: rate(met, counted.length, {
        page: 'obligations' as const,
        filters: { ...planFilter, item: String(obligation.itemNo) },
      }),
      late: counted.length - met,
    };
  });
  const obligationsMet = obligationRows.reduce((sum, row) => sum + row.met.numerator, 0);
  const obligationsCounted = obligationRows.reduce((sum, row) => sum + row.met.denominator, 0);

  const ratingOf = new Map(input.ratings.map((entry) => [entry.itemId, entry.rating]));
  const scoreOf = new Map(input.scale.map((level) => [level.key, level.score]));
  const distribution = input.scale.map((level) => ({
    key: level.key,
    label: level.label,
    count: input.items.filter((item) => ratingOf.get(item.id) === level.key).length,
    ref: { page: 'assessments' as const, filters: { ...planFilter, rating: level.key } },
  }));
  const assessmentByLevel1 = level1s.map(([code, title]) => {
    const items = input.items.filter((item) => item.level1Code === code);
    const scores = items
      .map((item) => scoreOf.get(ratingOf.get(item.id) ?? ''))
      .filter((score): score is number => score !== undefined);
    return {
      code,
      title,
      meanScore:
        scores.length === 0
          ? null
          : Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 10) / 10,
      rated: scores.length,
      items: items.length,
      ref: { page: 'assessments' as const, filters: { ...planFilter, level1: code } },
    };
  });

  const states = [...new Set(input.findings.map((finding) => finding.state))].sort();
  const overdue = (finding: QualityReportInput['findings'][number]) =>
    finding.open && finding.dueOn !== null && finding.dueOn < input.asOf;
  const closed = input.findings.filter((finding) => finding.state === 'verified').length;

  return {
    title: input.title,
    organizationName: input.organizationName,
    plan: input.plan,
    asOf: input.asOf,
    generatedAt: input.generatedAt,
    totals: {
      items: input.items.length,
      departments: input.departments.length,
      measures: input.measures.length,
      periodReports: input.periodReports.filter((report) => report.submittedOn !== null).length,
      evidence: input.evidenceCount,
    },
    completion: {
      overall: rates(input.measures, input.periodReports, planFilter),
      byLevel1,
      byDepartment,
    },
    obligations: {
      overall: rate(obligationsMet, obligationsCounted, {
        page: 'obligations',
        filters: planFilter,
      }),
      rows: obligationRows,
    },
    selfAssessment: {
      scale: input.scale,
      distribution,
      unrated: input.items.filter((item) => !ratingOf.has(item.id)).length,
      byLevel1: assessmentByLevel1,
    },
    findings: {
      total: input.findings.length,
      byState: states.map((state) => ({
        state,
        count: input.findings.filter((finding) => finding.state === state).length,
        ref: { page: 'findings' as const, filters: { ...planFilter, state } },
      })),
      overdue: input.findings.filter(overdue).length,
      carriedOver: input.findings.filter((finding) => finding.kind === 'carried_over').length,
      closedRate: rate(closed, input.findings.length, {
        page: 'findings',
        filters: { ...planFilter, state: 'verified' },
      }),
      rows: input.findings.map((finding) => ({
        id: finding.id,
        title: finding.title,
        kind: finding.kind,
        state: finding.state,
        owner: departmentName.get(finding.ownerDepartmentId) ?? '',
        dueOn: finding.dueOn,
        overdue: overdue(finding),
      })),
    },
    highlights: input.summaries
      .filter((summary) => summary.highlights.trim() !== '')
      .map((summary) => ({
        departmentId: summary.departmentId,
        department: departmentName.get(summary.departmentId) ?? '',
        text: summary.highlights.trim(),
        ref: {
          page: 'summaries' as const,
          filters: { ...planFilter, departmentId: summary.departmentId },
        },
      })),
    teachers: { figures: input.teacherFigures ?? [] },
  };
}
