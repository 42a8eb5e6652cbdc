import type { QualityReportInput } from './build-quality-report';
import type { QualityReport, RecordRef } from './quality-report.contract';

/**
 * Which figure of a quality report a record link names, and which of the records the report was
 * computed from stand behind it. Reviewers may open exactly these (issue 11.5), so the selection
 * here mirrors buildQualityReport's counting: a figure's records are its denominator's records,
 * each marked `counted` when it is in the numerator (a plain count lists only what it counts).
 */

export const figureKinds = [
  'completion',
  'onTime',
  'obligations',
  'rating',
  'assessmentLevel1',
  'findingState',
  'closedRate',
  'highlight',
  'surveyResponse',
  'surveyFavourable',
  'coverage',
  'thirdParty',
] as const;
export type FigureKind = (typeof figureKinds)[number];

/** What the records of a figure are selected by; the server reads the teacher figures' own tables. */
export type FigureSelector =
  | { kind: 'completion' | 'onTime'; level1Code: string | null; departmentId: string | null }
  | { kind: 'obligations'; itemNo: number | null }
  | { kind: 'rating'; rating: string }
  | { kind: 'assessmentLevel1'; level1Code: string }
  | { kind: 'findingState'; state: string }
  | { kind: 'closedRate' }
  | { kind: 'highlight'; departmentId: string }
  | { kind: 'surveyResponse' | 'surveyFavourable'; surveyId: string }
  | { kind: 'coverage'; ruleId: string }
  | { kind: 'thirdParty'; year: number; itemNo: number };

export interface ReportFigure {
  ref: RecordRef;
  kind: FigureKind;
  /** What the figure is about: an indicator, a department, a rating, a state, a teacher figure's label. */
  name: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  selector: FigureSelector;
}

/** A ref as a stable key: its page and its filters in key order. */
export function refKey(ref: RecordRef): string {
  const filters = Object.entries(ref.filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([ref.page, filters]);
}

/**
 * Every figure of a report that links to records, once per ref (the first figure with a ref is
 * the one its link names; rows of obligations of the same item share a ref and are added up).
 */
export function figuresOfReport(report: QualityReport): ReportFigure[] {
  const figures = new Map<string, ReportFigure>();
  const add = (figure: ReportFigure) => {
    const key = refKey(figure.ref);
    if (!figures.has(key)) figures.set(key, figure);
  };
  const unit = (
    rates: QualityReport['completion']['overall'],
    name: string | null,
    level1Code: string | null,
    departmentId: string | null,
  ) => {
    for (const kind of ['completion', 'onTime'] as const) {
      const rate = rates[kind];
      add({ ...rate, kind, name, selector: { kind, level1Code, departmentId } });
    }
  };
  unit(report.completion.overall, null, null, null);
  for (const row of report.completion.byLevel1)
    unit(row, `${row.code}、${row.title}`, row.code, null);
  for (const row of report.completion.byDepartment) unit(row, row.name, null, row.departmentId);

  add({
    ...report.obligations.overall,
    kind: 'obligations',
    name: null,
    selector: { kind: 'obligations', itemNo: null },
  });
  const byItem = new Map<number, ReportFigure>();
  for (const row of report.obligations.rows) {
    const seen = byItem.get(row.itemNo);
    const numerator = (seen?.numerator ?? 0) + row.met.numerator;
    const denominator = (seen?.denominator ?? 0) + row.met.denominator;
    byItem.set(row.itemNo, {
      ref: row.met.ref,
      kind: 'obligations',
      name: String(row.itemNo),
      numerator,
      denominator,
      value: denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10,
      selector: { kind: 'obligations', itemNo: row.itemNo },
    });
  }
  for (const figure of byItem.values()) add(figure);

  for (const level of report.selfAssessment.distribution)
    add({
      ref: level.ref,
      kind: 'rating',
      name: level.label,
      value: null,
      numerator: level.count,
      denominator: null,
      selector: { kind: 'rating', rating: level.key },
    });
  for (const row of report.selfAssessment.byLevel1)
    add({
      ref: row.ref,
      kind: 'assessmentLevel1',
      name: `${row.code}、${row.title}`,
      value: row.meanScore,
      numerator: row.rated,
      denominator: row.items,
      selector: { kind: 'assessmentLevel1', level1Code: row.code },
    });

  for (const state of report.findings.byState)
    add({
      ref: state.ref,
      kind: 'findingState',
      name: state.state,
      value: null,
      numerator: state.count,
      denominator: null,
      selector: { kind: 'findingState', state: state.state },
    });
  add({
    ...report.findings.closedRate,
    kind: 'closedRate',
    name: null,
    selector: { kind: 'closedRate' },
  });

  for (const highlight of report.highlights)
    add({
      ref: highlight.ref,
      kind: 'highlight',
      name: highlight.department,
      value: null,
      numerator: 1,
      denominator: null,
      selector: { kind: 'highlight', departmentId: highlight.departmentId },
    });

  for (const figure of report.teachers?.figures ?? []) {
    const base = {
      ref: figure.ref,
      name: figure.label,
      value: figure.value,
      numerator: figure.numerator,
      denominator: figure.denominator,
    };
    const { filters } = figure.ref;
    if (figure.ref.page === 'surveys' && filters.survey) {
      const kind = figure.kind === 'survey_favourable' ? 'surveyFavourable' : 'surveyResponse';
      add({ ...base, kind, selector: { kind, surveyId: filters.survey } });
    } else if (figure.ref.page === 'activities' && filters.rule)
      add({ ...base, kind: 'coverage', selector: { kind: 'coverage', ruleId: filters.rule } });
    else if (figure.ref.page === 'satisfaction' && filters.year && filters.item)
      add({
        ...base,
        kind: 'thirdParty',
        selector: { kind: 'thirdParty', year: Number(filters.year), itemNo: Number(filters.item) },
      });
  }
  return [...figures.values()];
}

/** The figure of a report a ref names, or null when the report has no figure with that ref. */
export function findFigure(report: QualityReport, ref: RecordRef): ReportFigure | null {
  const key = refKey(ref);
  return figuresOfReport(report).find((figure) => refKey(figure.ref) === key) ?? null;
}

type Counted<T> = T & { counted: boolean };

/** The records of the report's own input behind a figure, in the order the report reads them. */
export type SelectedRecords =
  | { page: 'ledgerMeasures'; rows: Counted<QualityReportInput['measures'][number]>[] }
  | { page: 'ledgerPeriods'; rows: Counted<QualityReportInput['periodReports'][number]>[] }
  | {
      page: 'obligations';
      rows: Counted<{ obligationIndex: number; periodIndex: number; status: 'met' | 'late' }>[];
    }
  | {
      page: 'assessments';
      rows: Counted<QualityReportInput['items'][number] & { rating: string | null }>[];
    }
  | { page: 'findings'; rows: Counted<QualityReportInput['findings'][number]>[] }
  | { page: 'summaries'; rows: Counted<QualityReportInput['summaries'][number]>[] }
  /** Teacher figures: their records are not in the report's input; the server reads them. */
  | { page: 'teachers' };

/** Selects a figure's records from the input the report was computed from, counting as buildQualityReport does. */
export function selectFigureRecords(
  input: QualityReportInput,
  selector: FigureSelector,
): SelectedRecords {
  const level1Of = new Map(input.items.map((item) => [item.id, item.level1Code]));
  const ratingOf = new Map(input.ratings.map((entry) => [entry.itemId, entry.rating]));
  const scored = new Set(input.scale.map((level) => level.key));
  switch (selector.kind) {
    case 'completion':
    case 'onTime': {
      const inScope = (record: { itemId: string; departmentId: string }) =>
        (selector.level1Code === null || level1Of.get(record.itemId) === selector.level1Code) &&
        (selector.departmentId === null || record.departmentId === selector.departmentId);
      if (selector.kind === 'completion')
        return {
          page: 'ledgerMeasures',
          rows: input.measures
            .filter(inScope)
            .map((measure) => ({ ...measure, counted: measure.latestStatus === 'done' })),
        };
      return {
        page: 'ledgerPeriods',
        rows: input.periodReports.filter(inScope).map((report) => ({
          ...report,
          counted: report.submittedOn !== null && report.submittedOn <= report.dueOn,
        })),
      };
    }
    case 'obligations':
      return {
        page: 'obligations',
        rows: input.obligations.flatMap((obligation, obligationIndex) =>
          selector.itemNo !== null && obligation.itemNo !== selector.itemNo
            ? []
            : obligation.periods.flatMap((period, periodIndex) =>
                period.status === 'met' || period.status === 'late'
                  ? [
                      {
                        obligationIndex,
                        periodIndex,
                        status: period.status,
                        counted: period.status === 'met',
                      },
                    ]
                  : [],
              ),
        ),
      };
    case 'rating':
      return {
        page: 'assessments',
        rows: input.items
          .filter((item) => ratingOf.get(item.id) === selector.rating)
          .map((item) => ({ ...item, rating: selector.rating, counted: true })),
      };
    case 'assessmentLevel1':
      return {
        page: 'assessments',
        rows: input.items
          .filter((item) => item.level1Code === selector.level1Code)
          .map((item) => {
            const rating = ratingOf.get(item.id) ?? null;
            return { ...item, rating, counted: rating !== null && scored.has(rating) };
          }),
      };
    case 'findingState':
      return {
        page: 'findings',
        rows: input.findings
          .filter((finding) => finding.state === selector.state)
          .map((finding) => ({ ...finding, counted: true })),
      };
    case 'closedRate':
      return {
        page: 'findings',
        rows: input.findings.map((finding) => ({
          ...finding,
          counted: finding.state === 'verified',
        })),
      };
    case 'highlight':
      return {
        page: 'summaries',
        rows: input.summaries
          .filter(
            (summary) =>
              summary.departmentId === selector.departmentId && summary.highlights.trim() !== '',
          )
          .map((summary) => ({ ...summary, counted: true })),
      };
    default:
      return { page: 'teachers' };
  }
}
