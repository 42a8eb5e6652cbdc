import { and, eq } from 'drizzle-orm';
import { groupBy } from '../../../shared/collections';
import { calendarDate } from '../../../shared/dates';
import type { QualityReportInput } from '../../../shared/report/build-quality-report';
import { defaultRatingScale, scoreOf } from '../../../shared/conclusion/rating-scale';
import type { PerformanceLine } from '../../../shared/report/performance-score';
import type { Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import {
  listMeasureRefsOfPlan,
  listPlanAssignmentTargets,
} from '../breakdowns/breakdown.repository';
import { dutiesOf } from '../breakdowns/breakdown.rules';
import {
  institutionRatings,
  ratingScales,
  selfAssessments,
  summaries,
} from '../conclusion/conclusion.table';
import { listDepartments } from '../departments/department.repository';
import { findings, rectificationActions } from '../findings/finding.table';
import { listLedgerRecordsForReport } from '../ledger/ledger.report';
import { assessPlanObligations } from '../obligations/obligation.service';
import { occurrences } from '../obligations/obligation.table';
import { organizations } from '../organizations/organization.table';
import { findPlanWithStandard } from '../plans/plan.repository';
import { listIndicatorsOfStandard, listItemsOfStandard } from '../standards/standard.repository';
import { assembleIndicatorTree } from '../standards/standard.rules';
import { gatherTeacherFigures } from './teacher-figures';

const OPEN_FINDING_STATES = new Set(['open', 'in_progress', 'awaiting_verification']);

/**
 * What a reader of the records may leave out. An oversight snapshot counts neither the teacher
 * figures (surveys and their answers, the roster) nor the evidence cited, and lists no records
 * behind a figure (the ledger's latest reports): `counts` reads and makes the rest.
 */
export type GatherScope = 'report' | 'counts';

/**
 * Reads every record the quality report and the performance sheet are computed from, for one
 * plan, as of `now`. One place, so that the report and the sheet can never disagree. With scope
 * `counts` the teacher figures are empty and the evidence count is 0; every other figure is the same.
 */
export async function gatherReportRecords(
  executor: Executor,
  organizationId: string,
  planId: string,
  now: Date,
  scope: GatherScope = 'report',
) {
  const whole = scope === 'report';
  const found = await findPlanWithStandard(executor, organizationId, planId);
  if (!found) throw new Error(`plan ${planId} not found`);
  const { plan, standardTitle } = found;
  const asOf = calendarDate(now);
  // Independent reads side by side on the pool, one after another in a transaction (readTogether).
  const [
    [organization],
    indicators,
    allItems,
    targets,
    allDepartments,
    measures,
    ledger,
    teacherFigures,
  ] = await readTogether(executor, [
    () =>
      executor
        .select({ name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, organizationId)),
    () => listIndicatorsOfStandard(executor, plan.standardId),
    () => listItemsOfStandard(executor, plan.standardId),
    () => listPlanAssignmentTargets(executor, plan.id),
    () => listDepartments(executor, organizationId),
    () => listMeasureRefsOfPlan(executor, plan.id),
    () => listLedgerRecordsForReport(executor, organizationId, plan.id, asOf, whole),
    async () =>
      whole ? gatherTeacherFigures(executor, organizationId, plan.cycleYear, asOf, now) : [],
  ]);

  const items: QualityReportInput['items'] = assembleIndicatorTree(
    indicators,
    allItems,
    (item) => item,
  ).flatMap((level1) =>
    level1.children.flatMap((level2) =>
      level2.items.map((item) => ({
        id: item.id,
        no: item.no,
        level1Code: level1.code,
        level1Title: level1.title,
      })),
    ),
  );
  const dutiesOfDepartment = new Map(
    allDepartments.map((department) => [department.id, dutiesOf(department, targets)] as const),
  );
  const departmentsWithDuties = allDepartments.filter(
    (department) => dutiesOfDepartment.get(department.id)!.size > 0,
  );

  const [
    [scaleRow],
    ratings,
    ownRatings,
    planFindings,
    planSummaries,
    occurrenceEvidence,
    rectificationEvidence,
    obligationRows,
  ] = await readTogether(executor, [
    () => executor.select().from(ratingScales).where(eq(ratingScales.planId, plan.id)),
    () =>
      executor
        .select({ itemId: institutionRatings.itemId, rating: institutionRatings.rating })
        .from(institutionRatings)
        .where(eq(institutionRatings.planId, plan.id)),
    // The departments' own ratings, with the evidence they cite when the report counts it.
    () =>
      executor
        .select({
          departmentId: selfAssessments.departmentId,
          itemId: selfAssessments.itemId,
          rating: selfAssessments.rating,
          ...(whole ? { ids: selfAssessments.evidenceIds } : {}),
        })
        .from(selfAssessments)
        .where(eq(selfAssessments.planId, plan.id)),
    () =>
      executor
        .select()
        .from(findings)
        .where(and(eq(findings.organizationId, organizationId), eq(findings.planId, plan.id)))
        .orderBy(findings.no),
    () =>
      executor
        .select({
          departmentId: summaries.departmentId,
          highlights: summaries.highlights,
          evidenceIds: summaries.evidenceIds,
          status: summaries.status,
        })
        .from(summaries)
        .where(eq(summaries.planId, plan.id)),
    async () =>
      whole
        ? executor
            .select({ ids: occurrences.evidenceIds })
            .from(occurrences)
            .where(eq(occurrences.planId, plan.id))
        : [],
    async () =>
      whole
        ? executor
            .select({ ids: rectificationActions.evidenceIds })
            .from(rectificationActions)
            .innerJoin(findings, eq(findings.id, rectificationActions.findingId))
            .where(eq(findings.planId, plan.id))
        : [],
    () =>
      assessPlanObligations(executor, organizationId, plan.id, now, {
        plan,
        targets,
        allItems,
        allDepartments,
      }),
  ]);
  const scale = scaleRow?.levels ?? defaultRatingScale;

  // Evidence counted once however many records cite it: the files and links behind the plan's records.
  // (none read for `counts`)
  const cited = new Set<string>(whole ? ledger.evidenceIds : []);
  const citing = [
    occurrenceEvidence,
    planSummaries.map((summary) => ({ ids: summary.evidenceIds })),
    ownRatings.map((row) => ({ ids: row.ids ?? [] })),
    rectificationEvidence,
  ];
  if (whole)
    for (const rows of citing) for (const row of rows) for (const id of row.ids) cited.add(id);

  // The performance sheet's two lines that depend on the office's judgement (performance-score.ts):
  /**
   * 自评得分: the mean score of the office's moderated ratings of the items the department rated
   * itself — never the department's own ratings. Absent when it submitted no self-assessment
   * (it scores 0); not applicable while none of its items is moderated yet.
   */
  const moderated = new Map(ratings.map((row) => [row.itemId, scoreOf(scale, row.rating)]));
  const ratingsOfDepartment = groupBy(ownRatings, (row) => row.departmentId);
  const departmentScores = new Map<string, PerformanceLine>();
  for (const department of departmentsWithDuties) {
    const rated = ratingsOfDepartment.get(department.id) ?? [];
    if (rated.length === 0) continue;
    const scores = rated
      .map((row) => moderated.get(row.itemId))
      .filter((score): score is number => score !== undefined);
    departmentScores.set(
      department.id,
      scores.length === 0
        ? 'not_applicable'
        : Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 10) / 10,
    );
  }
  /**
   * 整改核验完成率: the share of the findings a department owns that are due to be verified this
   * year (immediate ones, carried-over ones due by now, and any already verified) that are
   * verified. Not applicable when it has none to verify.
   */
  const rectificationRates = new Map<string, PerformanceLine>();
  for (const department of departmentsWithDuties) {
    const owned = planFindings.filter(
      (finding) =>
        finding.ownerDepartmentId === department.id &&
        finding.state !== 'carried_over' &&
        (finding.kind === 'immediate' || finding.state === 'verified' || finding.dueOn <= asOf),
    );
    rectificationRates.set(
      department.id,
      owned.length === 0
        ? 'not_applicable'
        : Math.round(
            (owned.filter((finding) => finding.state === 'verified').length / owned.length) * 1000,
          ) / 10,
    );
  }

  const reportInput: QualityReportInput = {
    title: `${plan.cycleYear}年度${standardTitle.replace(/^《|》$/g, '')}落实情况质量报告`,
    organizationName: organization?.name ?? '',
    plan: { id: plan.id, title: plan.title, cycleYear: plan.cycleYear },
    asOf,
    generatedAt: now.toISOString(),
    items,
    departments: departmentsWithDuties.map((department) => ({
      id: department.id,
      name: department.name,
    })),
    measures: measures.map((measure) => ({
      id: measure.id,
      itemId: measure.itemId,
      departmentId: measure.departmentId,
      latestStatus: ledger.latestStatus.get(measure.id) ?? null,
    })),
    periodReports: ledger.periodReports,
    evidenceCount: cited.size,
    obligations: obligationRows,
    scale: scale.map((level) => ({ key: level.label, label: level.label, score: level.score })),
    ratings,
    findings: planFindings.map((finding) => ({
      id: finding.id,
      title: finding.title,
      kind: finding.kind,
      state: finding.state,
      ownerDepartmentId: finding.ownerDepartmentId,
      dueOn: finding.dueOn,
      open: OPEN_FINDING_STATES.has(finding.state),
    })),
    summaries: planSummaries
      .filter((summary) => summary.status === 'submitted')
      .map((summary) => ({ departmentId: summary.departmentId, highlights: summary.highlights })),
    teacherFigures,
  };
  /**
   * Each department with duties: the items it answers for and how many of them it has rated, as
   * the conclusion's list of summaries counts them (conclusion.service.ts listSummaries).
   */
  const selfAssessmentProgress = departmentsWithDuties.map((department) => {
    const duties = dutiesOfDepartment.get(department.id)!;
    return {
      departmentId: department.id,
      itemCount: duties.size,
      rated: (ratingsOfDepartment.get(department.id) ?? []).filter((row) => duties.has(row.itemId))
        .length,
    };
  });
  // The ledger's and the obligations' own rows too, for the records behind a figure (figure-records.ts).
  return {
    reportInput,
    departmentScores,
    rectificationRates,
    selfAssessmentProgress,
    ledger,
    obligationRows,
  };
}
