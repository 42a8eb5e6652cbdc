import { compareChinese } from '../collections';
import type {
  InstitutionFigures,
  InstitutionRow,
  LateEntry,
  overviewSortKeys,
} from '../api/oversight';
import { percent } from '../report/build-quality-report';
import type { QualityReport } from '../report/quality-report.contract';

/** Finding states that still need work (the quality report's `open`). */
const OPEN_FINDING_STATES = new Set(['open', 'in_progress', 'awaiting_verification']);

/**
 * The records one institution's snapshot is computed from, already read by the server's own
 * readers: the quality report computed from the plan's records, the board, supervision's late
 * list and the departments' self-assessment progress. Nothing here decides what is late or done:
 * it only counts what those readers said, so the overview can never disagree with them.
 */
export interface InstitutionFiguresInput {
  report: QualityReport;
  items: { id: string; no: number; level1Code: string }[];
  /** Period reports due so far (the quality report's), with the day each was first made. */
  periodReports: { itemId: string; dueOn: string; submittedOn: string | null }[];
  /** Measures of approved task breakdowns. */
  approvedMeasures: { itemId: string }[];
  /** The submission board: one row per department with duties. */
  board: { status: string; late: boolean }[];
  /** Supervision's late list for this plan. */
  late: LateEntry[];
  /** Each department's self-assessment: items it answers for, items it has rated. */
  selfAssessments: { itemCount: number; rated: number }[];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Every figure of one institution's plan, plan-wide and by level-1 indicator. Pure. */
export function computeInstitutionFigures(input: InstitutionFiguresInput): InstitutionFigures {
  const { report } = input;
  const level1Of = new Map(input.items.map((item) => [item.id, item.level1Code]));
  const level1OfNo = new Map(input.items.map((item) => [item.no, item.level1Code]));
  // Counted in one pass each, by level-1 code: a snapshot has thousands of late entries and period
  // reports, and a filter per level-1 indicator would read them all once for each.
  const counts = () => new Map<string, number>();
  const add = (tally: Map<string, number>, code: string | undefined) => {
    if (code !== undefined) tally.set(code, (tally.get(code) ?? 0) + 1);
  };
  const lateMeasuresIn = counts();
  const missingReportsIn = counts();
  let lateMeasures = 0;
  let missingReports = 0;
  for (const entry of input.late) {
    const code = entry.itemNo === null ? undefined : level1OfNo.get(entry.itemNo);
    if (entry.kind === 'measure') {
      lateMeasures += 1;
      add(lateMeasuresIn, code);
    } else if (entry.kind === 'period_report') {
      missingReports += 1;
      add(missingReportsIn, code);
    }
  }
  const lateReportsIn = counts();
  let lateReports = 0;
  for (const entry of input.periodReports)
    if (entry.submittedOn !== null && entry.submittedOn > entry.dueOn) {
      lateReports += 1;
      add(lateReportsIn, level1Of.get(entry.itemId));
    }
  const approvedItems = new Set(input.approvedMeasures.map((measure) => measure.itemId));
  const itemsIn = counts();
  for (const item of input.items) add(itemsIn, item.level1Code);
  const approvedItemsIn = counts();
  for (const itemId of approvedItems) add(approvedItemsIn, level1Of.get(itemId));
  const ratedOf = new Map(report.selfAssessment.byLevel1.map((row) => [row.code, row.rated]));

  const byLevel1 = report.completion.byLevel1.map((row) => ({
    code: row.code,
    title: row.title,
    items: itemsIn.get(row.code) ?? 0,
    itemsWithApprovedMeasure: approvedItemsIn.get(row.code) ?? 0,
    measures: row.completion.denominator,
    measuresDone: row.completion.numerator,
    lateMeasures: lateMeasuresIn.get(row.code) ?? 0,
    missingReports: missingReportsIn.get(row.code) ?? 0,
    lateReports: lateReportsIn.get(row.code) ?? 0,
    rated: ratedOf.get(row.code) ?? 0,
  }));

  const findings = report.findings.rows;
  return {
    items: input.items.length,
    itemsWithApprovedMeasure: approvedItems.size,
    measures: report.completion.overall.completion.denominator,
    measuresDone: report.completion.overall.completion.numerator,
    lateMeasures,
    missingReports,
    lateReports,
    lateBreakdowns: input.board.filter((row) => row.late).length,
    lateTotal: input.late.length,
    departmentsSubmitted: input.board.filter(
      (row) => row.status === 'submitted' || row.status === 'approved',
    ).length,
    departmentsTotal: input.board.length,
    selfAssessmentsRated: sum(input.selfAssessments.map((row) => row.rated)),
    selfAssessmentsExpected: sum(input.selfAssessments.map((row) => row.itemCount)),
    ratings: report.selfAssessment.distribution.map((level) => ({
      label: level.label,
      count: level.count,
    })),
    unrated: report.selfAssessment.unrated,
    findingsTotal: report.findings.total,
    findingsOpen: findings.filter((finding) => OPEN_FINDING_STATES.has(finding.state)).length,
    findingsOverdue: report.findings.overdue,
    findingsVerified: findings.filter((finding) => finding.state === 'verified').length,
    findingsCarriedOver: report.findings.carriedOver,
    byLevel1,
  };
}

/** The rates the overview shows next to the counts. */
export function institutionRates(
  figures: Pick<
    InstitutionFigures,
    | 'departmentsSubmitted'
    | 'departmentsTotal'
    | 'measuresDone'
    | 'measures'
    | 'selfAssessmentsRated'
    | 'selfAssessmentsExpected'
  >,
) {
  return {
    submissionRate: percent(figures.departmentsSubmitted, figures.departmentsTotal),
    measuresDoneRate: percent(figures.measuresDone, figures.measures),
    selfAssessmentRate: percent(figures.selfAssessmentsRated, figures.selfAssessmentsExpected),
  };
}

type SortKey = (typeof overviewSortKeys)[number];

function sortValue(row: InstitutionRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'computedAt':
      return row.computedAt;
    case 'lateTotal':
      return row.figures?.lateTotal ?? null;
    case 'findingsOpen':
      return row.figures?.findingsOpen ?? null;
    case 'findingsOverdue':
      return row.figures?.findingsOverdue ?? null;
    default:
      return row.rates?.[key] ?? null;
  }
}

/** Sorts institutions by one column; institutions without figures always come last, ties by name. */
export function sortInstitutionRows(
  rows: readonly InstitutionRow[],
  key: SortKey,
  order: 'asc' | 'desc',
): InstitutionRow[] {
  const direction = order === 'asc' ? 1 : -1;
  const byName = (a: InstitutionRow, b: InstitutionRow) => compareChinese(a.name, b.name);
  return [...rows].sort((a, b) => {
    const left = sortValue(a, key);
    const right = sortValue(b, key);
    if (left === null || right === null)
      return left === right ? byName(a, b) : left === null ? 1 : -1;
    const compared =
      typeof left === 'string' && typeof right === 'string'
        ? compareChinese(left, right)
        : Number(left) - Number(right);
    return compared !== 0 ? compared * direction : byName(a, b);
  });
}
