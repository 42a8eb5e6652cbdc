import { compareChinese } from '../../../shared/collections';
import { and, eq, inArray } from 'drizzle-orm';
import type { FigureRecords, FigureRecordsQuery } from '../../../shared/api/reports';
import { AppError } from '../../../shared/errors';
import {
  type FigureSelector,
  findFigure,
  selectFigureRecords,
} from '../../../shared/report/figure-records';
import type { QualityReport, RecordRef } from '../../../shared/report/quality-report.contract';
import { tallyAnswers } from '../../../shared/surveys/questionnaire';
import type { Executor } from '../../db/client';
import { computeOrganizationCoverage } from '../activities/activity.service';
import { measures } from '../breakdowns/breakdown.table';
import { selfAssessments, summaries } from '../conclusion/conclusion.table';
import { listDepartments } from '../departments/department.repository';
import { evidence } from '../evidence/evidence.table';
import { findings } from '../findings/finding.table';
import { satisfactionResults } from '../satisfaction/satisfaction.table';
import { items } from '../standards/standard.table';
import { surveyInvitations, surveyResponses, surveys } from '../surveys/survey.table';
import { gatherReportRecords } from './report.records';
import type { ReportRecord } from './report.repository';

type Records = FigureRecords['records'];
type Counts = FigureRecords['current'];

/** The ref a request names: its page and its filters, read from the query string the report's link carries. */
export function requestedRef(query: FigureRecordsQuery): RecordRef {
  return { page: query.page, filters: Object.fromEntries(new URLSearchParams(query.filters)) };
}

/**
 * The records behind one figure of a generated report, read-only: the report's own readers
 * (gatherReportRecords, as of the day the report was generated) and its own selection
 * (selectFigureRecords), then the words a reader needs (measure, note, evidence names …).
 * A ref that is not one of the report's figures is refused, for every role.
 */
export async function readFigureRecords(
  executor: Executor,
  report: ReportRecord & { content: QualityReport },
  query: FigureRecordsQuery,
): Promise<FigureRecords> {
  const content = report.content;
  const figure = findFigure(content, requestedRef(query));
  if (!figure) throw new AppError('report.figure_unknown');
  const organizationId = report.organizationId;
  const asOfTime = report.generatedAt ?? report.requestedAt;
  const read =
    (await readTeacherFigure(executor, organizationId, content, asOfTime, figure.selector)) ??
    (await readSelection(executor, organizationId, report.planId, asOfTime, figure.selector));
  const total = read.records.rows.length;
  const rows = read.records.rows.slice(query.offset, query.offset + query.limit);
  return {
    report: {
      id: report.id,
      planId: report.planId,
      version: report.version,
      title: content.title,
      asOf: content.asOf,
    },
    figure: {
      kind: figure.kind,
      name: figure.name,
      value: figure.value,
      numerator: figure.numerator,
      denominator: figure.denominator,
    },
    current: read.current,
    survey: read.survey,
    total,
    offset: query.offset,
    limit: query.limit,
    records: { ...read.records, rows } as Records,
  };
}

interface Read {
  records: Records;
  current: Counts;
  survey: FigureRecords['survey'];
}

/** Numerator and denominator of rows marked counted: a rate's two counts, or a count's one. */
function countsOf(rows: readonly { counted: boolean }[], rate: boolean): Counts {
  const counted = rows.filter((row) => row.counted).length;
  return { numerator: counted, denominator: rate ? rows.length : null };
}

async function readSelection(
  executor: Executor,
  organizationId: string,
  planId: string,
  asOfTime: Date,
  selector: FigureSelector,
): Promise<Read> {
  const gathered = await gatherReportRecords(executor, organizationId, planId, asOfTime);
  const input = gathered.reportInput;
  const selected = selectFigureRecords(input, selector);
  const departmentName = new Map(
    (await listDepartments(executor, organizationId)).map((row) => [row.id, row.name]),
  );
  const nameOf = (id: string) => departmentName.get(id) ?? '';
  const itemNo = new Map(input.items.map((item) => [item.id, item.no]));
  const evidenceNames = await evidenceNamesOf(executor, organizationId, gathered);
  const names = (ids: readonly string[]) =>
    ids.map((id) => evidenceNames.get(id)).filter((name): name is string => name !== undefined);
  const none: Read['survey'] = null;

  switch (selected.page) {
    case 'ledgerMeasures':
    case 'ledgerPeriods': {
      const ids = [
        ...new Set(
          selected.page === 'ledgerMeasures'
            ? selected.rows.map((row) => row.id)
            : selected.rows.map((row) => row.measureId),
        ),
      ];
      const measureText = new Map(
        (
          await executor
            .select({ id: measures.id, text: measures.text })
            .from(measures)
            .where(
              and(
                eq(measures.organizationId, organizationId),
                inArray(
                  measures.id,
                  ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000'],
                ),
              ),
            )
        ).map((row) => [row.id, row.text]),
      );
      const rows =
        selected.page === 'ledgerMeasures'
          ? selected.rows.map((measure) => {
              const latest = gathered.ledger.latestReport.get(measure.id) ?? null;
              return {
                counted: measure.counted,
                itemNo: itemNo.get(measure.itemId) ?? 0,
                measure: measureText.get(measure.id) ?? '',
                department: nameOf(measure.departmentId),
                period: latest?.periodLabel ?? null,
                dueOn: latest?.dueOn ?? null,
                submittedOn: latest?.submittedOn ?? null,
                status: measure.latestStatus,
                note: latest?.text ?? '',
                evidence: names(latest?.evidenceIds ?? []),
              };
            })
          : selected.rows.map((report) => {
              const full = gathered.ledger.periodReports.find(
                (entry) =>
                  entry.measureId === report.measureId && entry.periodKey === report.periodKey,
              );
              return {
                counted: report.counted,
                itemNo: itemNo.get(report.itemId) ?? 0,
                measure: measureText.get(report.measureId) ?? '',
                department: nameOf(report.departmentId),
                period: full?.periodLabel ?? report.periodKey ?? null,
                dueOn: report.dueOn,
                submittedOn: report.submittedOn,
                status: full?.latest?.status ?? null,
                note: full?.latest?.text ?? '',
                evidence: names(full?.latest?.evidenceIds ?? []),
              };
            });
      // By item, then department, then period: the order the ledger is read in (a stable page order).
      rows.sort(
        (a, b) =>
          a.itemNo - b.itemNo ||
          compareChinese(a.department, b.department) ||
          (a.dueOn ?? '').localeCompare(b.dueOn ?? ''),
      );
      return { records: { kind: 'ledger', rows }, current: countsOf(rows, true), survey: none };
    }
    case 'obligations': {
      const rows = selected.rows.map((row) => {
        const obligation = gathered.obligationRows[row.obligationIndex]!;
        const period = obligation.periods[row.periodIndex]!;
        return {
          counted: row.counted,
          itemNo: obligation.itemNo,
          requirement: obligation.description,
          department: period.department,
          period: period.label,
          status: row.status,
        };
      });
      return {
        records: { kind: 'obligations', rows },
        current: countsOf(rows, true),
        survey: none,
      };
    }
    case 'assessments': {
      const ids = selected.rows.map((row) => row.id);
      const safeIds = ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000'];
      const contentOf = new Map(
        (
          await executor
            .select({ id: items.id, content: items.content })
            .from(items)
            .where(inArray(items.id, safeIds))
        ).map((row) => [row.id, row.content]),
      );
      const own = await executor
        .select({
          itemId: selfAssessments.itemId,
          departmentId: selfAssessments.departmentId,
          rating: selfAssessments.rating,
        })
        .from(selfAssessments)
        .where(
          and(
            eq(selfAssessments.organizationId, organizationId),
            eq(selfAssessments.planId, planId),
            inArray(selfAssessments.itemId, safeIds),
          ),
        );
      const rows = selected.rows.map((item) => ({
        counted: item.counted,
        itemNo: item.no,
        item: contentOf.get(item.id) ?? '',
        level1Code: item.level1Code,
        rating: item.rating,
        selfRatings: own
          .filter((row) => row.itemId === item.id)
          .map((row) => ({ department: nameOf(row.departmentId), rating: row.rating })),
      }));
      const rate = selector.kind === 'assessmentLevel1';
      return {
        records: { kind: 'assessments', rows },
        current: countsOf(rows, rate),
        survey: none,
      };
    }
    case 'findings': {
      const noOf = new Map(
        (
          await executor
            .select({ id: findings.id, no: findings.no })
            .from(findings)
            .where(and(eq(findings.organizationId, organizationId), eq(findings.planId, planId)))
        ).map((row) => [row.id, row.no]),
      );
      const rows = selected.rows.map((finding) => ({
        counted: finding.counted,
        no: noOf.get(finding.id) ?? 0,
        title: finding.title,
        kind: finding.kind,
        department: nameOf(finding.ownerDepartmentId),
        state: finding.state,
        dueOn: finding.dueOn,
        overdue: finding.open && finding.dueOn !== null && finding.dueOn < input.asOf,
      }));
      const rate = selector.kind === 'closedRate';
      return { records: { kind: 'findings', rows }, current: countsOf(rows, rate), survey: none };
    }
    case 'summaries': {
      const departmentIds = selected.rows.map((row) => row.departmentId);
      const full = await executor
        .select()
        .from(summaries)
        .where(
          and(
            eq(summaries.organizationId, organizationId),
            eq(summaries.planId, planId),
            inArray(
              summaries.departmentId,
              departmentIds.length > 0 ? departmentIds : ['00000000-0000-0000-0000-000000000000'],
            ),
          ),
        );
      const rows = selected.rows.map((summary) => {
        const row = full.find((entry) => entry.departmentId === summary.departmentId);
        return {
          counted: true,
          department: nameOf(summary.departmentId),
          highlights: summary.highlights.trim(),
          results: row?.results ?? '',
          evidence: names(row?.evidenceIds ?? []),
        };
      });
      return { records: { kind: 'summaries', rows }, current: countsOf(rows, false), survey: none };
    }
    default:
      throw new AppError('report.figure_unknown');
  }
}

/** Titles of the evidence the plan's records cite, by id, within the organization. */
async function evidenceNamesOf(
  executor: Executor,
  organizationId: string,
  gathered: Awaited<ReturnType<typeof gatherReportRecords>>,
): Promise<Map<string, string>> {
  const ids = new Set<string>(gathered.ledger.evidenceIds);
  const planSummaries = await executor
    .select({ ids: summaries.evidenceIds })
    .from(summaries)
    .where(
      and(
        eq(summaries.organizationId, organizationId),
        eq(summaries.planId, gathered.reportInput.plan.id),
      ),
    );
  for (const row of planSummaries) for (const id of row.ids) ids.add(id);
  if (ids.size === 0) return new Map();
  const rows = await executor
    .select({ id: evidence.id, title: evidence.title })
    .from(evidence)
    .where(and(eq(evidence.organizationId, organizationId), inArray(evidence.id, [...ids])));
  return new Map(rows.map((row) => [row.id, row.title]));
}

/**
 * The teacher figures' records, from their own tables as teacher-figures.ts counts them:
 * a survey's aggregates (nothing below its threshold, never an answer), coverage per
 * department (no names), third-party results. Null for the plan's own figures.
 */
async function readTeacherFigure(
  executor: Executor,
  organizationId: string,
  content: QualityReport,
  asOfTime: Date,
  selector: FigureSelector,
): Promise<Read | null> {
  if (selector.kind === 'surveyResponse' || selector.kind === 'surveyFavourable') {
    const [survey] = await executor
      .select()
      .from(surveys)
      .where(and(eq(surveys.organizationId, organizationId), eq(surveys.id, selector.surveyId)));
    if (!survey) throw new AppError('report.figure_unknown');
    const invitations = await executor
      .select({ responded: surveyInvitations.responded })
      .from(surveyInvitations)
      .where(eq(surveyInvitations.surveyId, survey.id));
    const responded = invitations.filter((row) => row.responded).length;
    const answers = await executor
      .select({ answers: surveyResponses.answers })
      .from(surveyResponses)
      .where(eq(surveyResponses.surveyId, survey.id));
    const enough = answers.length >= survey.threshold;
    const tallies = enough
      ? tallyAnswers(
          survey.questionnaire,
          answers.map((row) => row.answers),
        ).filter((tally) => tally.kind !== 'text')
      : [];
    const rows = tallies.map((tally) => ({
      counted: tally.favourable !== null,
      question: tally.title,
      answered: tally.answered,
      mean: tally.mean,
      favourable: tally.favourable?.numerator ?? null,
      favourableOf: tally.favourable?.denominator ?? null,
    }));
    const favourable = rows.reduce((sum, row) => sum + (row.favourable ?? 0), 0);
    const favourableOf = rows.reduce((sum, row) => sum + (row.favourableOf ?? 0), 0);
    return {
      records: { kind: 'surveys', rows },
      current:
        selector.kind === 'surveyResponse'
          ? { numerator: responded, denominator: invitations.length }
          : enough
            ? { numerator: favourable, denominator: favourableOf }
            : { numerator: null, denominator: null },
      survey: { invited: invitations.length, responded, threshold: survey.threshold },
    };
  }
  if (selector.kind === 'coverage') {
    const departmentName = new Map(
      (await listDepartments(executor, organizationId)).map((row) => [row.id, row.name]),
    );
    // As teacher-figures.ts counts it: the plan's year, up to the report's day.
    const yearEnd = `${content.plan.cycleYear}-12-31`;
    const day = content.asOf < yearEnd ? content.asOf : yearEnd;
    const all = await computeOrganizationCoverage(executor, organizationId, day, asOfTime);
    const found = all.find((entry) => entry.rule.id === selector.ruleId);
    if (!found) throw new AppError('report.figure_unknown');
    const rows = found.departments.map((entry) => ({
      counted: entry.covered === entry.required,
      department: entry.departmentId ? (departmentName.get(entry.departmentId) ?? '') : '',
      required: entry.required,
      covered: entry.covered,
    }));
    return {
      records: { kind: 'activities', rows },
      current: { numerator: found.institution.covered, denominator: found.institution.required },
      survey: null,
    };
  }
  if (selector.kind === 'thirdParty') {
    const results = await executor
      .select()
      .from(satisfactionResults)
      .where(
        and(
          eq(satisfactionResults.organizationId, organizationId),
          eq(satisfactionResults.year, selector.year),
          eq(satisfactionResults.itemNo, selector.itemNo),
        ),
      );
    const cited = results.flatMap((row) => row.evidenceIds);
    const titles = new Map(
      cited.length === 0
        ? []
        : (
            await executor
              .select({ id: evidence.id, title: evidence.title })
              .from(evidence)
              .where(and(eq(evidence.organizationId, organizationId), inArray(evidence.id, cited)))
          ).map((row) => [row.id, row.title]),
    );
    const rows = results.map((row) => ({
      counted: true,
      itemNo: row.itemNo,
      source: row.source,
      value: row.value,
      sample: row.sample,
      note: row.note,
      evidence: row.evidenceIds.flatMap((id) => titles.get(id) ?? []),
    }));
    return {
      records: { kind: 'satisfaction', rows },
      current: { numerator: rows.length, denominator: null },
      survey: null,
    };
  }
  return null;
}
