import { compareChinese } from '../collections';
import type { YearDashboard } from '../api/dashboard';
import type { WarningColour } from '../supervision/escalation';
import { percent } from './build-quality-report';
import type { QualityReport } from './quality-report.contract';

/** What the dashboard counts beside the quality report's own figures. */
export interface YearDashboardExtras {
  /** The breakdown state of each department with duties. */
  breakdownStatuses: {
    departmentId: string;
    status: 'draft' | 'submitted' | 'returned' | 'approved';
  }[];
  /** Measures by the status of their latest progress report (null: none yet). */
  measureStatuses: (string | null)[];
  /** This plan's late work now, with its colour (null: late but not yet yellow). */
  lateWork: { departmentId: string; colour: WarningColour | null }[];
  summariesSubmitted: number;
  selfAssessedDepartments: number;
  report: YearDashboard['report'];
  /** Item 26's counts of the plan's year (the quality report's on-time rate is made of them). */
  conductReports?: {
    received: number;
    closed: number;
    handledOnTime: number;
    founded: number;
    partly: number;
    unfounded: number;
    clarified: number;
    notified: number;
  };
  /** Each coverage rule's departments on the report's day, for the lowest few. */
  coverageDepartments?: ReadonlyMap<
    string,
    { departmentId: string | null; name: string; required: number; covered: number }[]
  >;
}

/** How many of the lowest departments the coverage card names per rule. */
export const LOWEST_COVERAGE_DEPARTMENTS = 3;

const RECTIFYING_STATES = new Set(['in_progress', 'awaiting_verification']);

/**
 * The leader's year from the quality report's figures (built from the same records by
 * buildQualityReport) and a few counts the report does not print. Pure.
 */
export function buildYearDashboard(
  report: QualityReport,
  extras: YearDashboardExtras,
): YearDashboard {
  const stateCount = (wanted: (state: string) => boolean) =>
    report.findings.byState
      .filter((entry) => wanted(entry.state))
      .reduce((sum, entry) => sum + entry.count, 0);
  const breakdownCount = (status: string) =>
    extras.breakdownStatuses.filter((entry) => entry.status === status).length;
  const colourCount = (colour: WarningColour | null) =>
    extras.lateWork.filter((entry) => entry.colour === colour).length;
  const { completion, onTime } = report.completion.overall;
  const started = extras.measureStatuses.filter((status) => status !== null).length;

  const ranked = [...report.completion.byDepartment].sort(
    (a, b) =>
      (b.completion.value ?? -1) - (a.completion.value ?? -1) ||
      b.completion.numerator - a.completion.numerator ||
      (b.onTime.value ?? -1) - (a.onTime.value ?? -1) ||
      compareChinese(a.name, b.name),
  );
  return {
    plan: report.plan,
    asOf: report.asOf,
    breakdown: {
      departments: report.totals.departments,
      approved: breakdownCount('approved'),
      submitted: breakdownCount('submitted'),
      returned: breakdownCount('returned'),
      notSubmitted:
        report.totals.departments -
        breakdownCount('approved') -
        breakdownCount('submitted') -
        breakdownCount('returned'),
    },
    execution: {
      measures: report.totals.measures,
      done: completion.numerator,
      inProgress: started - completion.numerator,
      notStarted: report.totals.measures - started,
      completion,
      periodReportsDue: onTime.denominator,
      periodReportsIn: report.totals.periodReports,
      periodReportsMissing: onTime.denominator - report.totals.periodReports,
      onTime,
    },
    overdue: {
      total: extras.lateWork.length,
      yellow: colourCount('yellow'),
      orange: colourCount('orange'),
      red: colourCount('red'),
      none: colourCount(null),
    },
    obligations: { met: report.obligations.overall },
    conclusion: {
      departments: report.totals.departments,
      summariesSubmitted: extras.summariesSubmitted,
      selfAssessedDepartments: extras.selfAssessedDepartments,
      itemsRated: report.totals.items - report.selfAssessment.unrated,
      itemsUnrated: report.selfAssessment.unrated,
    },
    findings: {
      total: report.findings.total,
      open: stateCount((state) => state === 'open'),
      rectifying: stateCount((state) => RECTIFYING_STATES.has(state)),
      verified: stateCount((state) => state === 'verified'),
      carriedOver: stateCount((state) => state === 'carried_over'),
      overdue: report.findings.overdue,
      closedRate: report.findings.closedRate,
    },
    report: extras.report,
    coverage: (report.teachers?.figures ?? [])
      .filter((figure) => figure.kind === 'coverage' && figure.ref.filters.rule)
      .map((figure) => {
        const ruleId = figure.ref.filters.rule!;
        return {
          ruleId,
          name: figure.label,
          itemNo: figure.itemNo,
          window: figure.detail,
          rate: {
            numerator: figure.numerator ?? 0,
            denominator: figure.denominator ?? 0,
            value: figure.value,
            ref: figure.ref,
          },
          lowest: (extras.coverageDepartments?.get(ruleId) ?? [])
            .filter((row) => row.covered < row.required)
            .map((row) => ({ ...row, value: percent(row.covered, row.required) }))
            .sort(
              (a, b) =>
                (a.value ?? 101) - (b.value ?? 101) ||
                b.required - b.covered - (a.required - a.covered) ||
                compareChinese(a.name, b.name),
            )
            .slice(0, LOWEST_COVERAGE_DEPARTMENTS),
        };
      }),
    conductReports: conductCard(report, extras.conductReports),
    ranking: ranked.map((row, index) => ({
      rank: index + 1,
      departmentId: row.departmentId,
      name: row.name,
      completion: row.completion,
      onTime: row.onTime,
      overdue: extras.lateWork.filter((entry) => entry.departmentId === row.departmentId).length,
    })),
  };
}

/** Item 26 on the dashboard: the report's own figure when it has one, its counts beside it. */
function conductCard(
  report: QualityReport,
  counts: YearDashboardExtras['conductReports'],
): YearDashboard['conductReports'] {
  if (!counts || counts.received === 0) return null;
  const figure = report.teachers?.figures.find((entry) => entry.kind === 'conduct_reports');
  const { handledOnTime, ...rest } = counts;
  return {
    ...rest,
    onTime: {
      numerator: figure?.numerator ?? handledOnTime,
      denominator: figure?.denominator ?? counts.closed,
      value: figure ? figure.value : percent(handledOnTime, counts.closed),
      ref: figure?.ref ?? { page: 'conductCases', filters: {} },
    },
  };
}
