import { and, eq } from 'drizzle-orm';
import { calendarDate } from '../../../shared/dates';
import type { QualityReportInput } from '../../../shared/report/build-quality-report';
import { defaultRatingScale, scoreOf } from '../../../shared/conclusion/rating-scale';
import type { Executor } from '../../db/client';
import { listMeasuresOfPlan, listPlanAssignmentTargets } from '../breakdowns/breakdown.repository';
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
 * Reads every record the quality report and the performance sheet are computed from, for one
 * plan, as of `now`. One place, so that the report and the sheet can never disagree.
 */
export async function gatherReportRecords(
  executor: Executor,
  organizationId: string,
  planId: string,
  now: Date,
) {
  const found = await findPlanWithStandard(executor, organizationId, planId);
  if (!found) throw new Error(`plan ${planId} not found`);
  const { plan, standardTitle } = found;
  const asOf = calendarDate(now);
  const [organization] = await executor
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  const indicators = await listIndicatorsOfStandard(executor, plan.standardId);
  const allItems = await listItemsOfStandard(executor, plan.standardId);
  const targets = await listPlanAssignmentTargets(executor, plan.id);
  const allDepartments = await listDepartments(executor, organizationId);
  const measures = await listMeasuresOfPlan(executor, plan.id);
  const ledger = await listLedgerRecordsForReport(executor, organizationId, plan.id, asOf);
  const obligationRows = await assessPlanObligations(executor, organizationId, plan.id, now);

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
  const departmentsWithDuties = allDepartments.filter(
    (department) => dutiesOf(department, targets).size > 0,
  );

  const [scaleRow] = await executor
    .select()
    .from(ratingScales)
    .where(eq(ratingScales.planId, plan.id));
  const scale = scaleRow?.levels ?? defaultRatingScale;
  const ratings = await executor
    .select({ itemId: institutionRatings.itemId, rating: institutionRatings.rating })
    .from(institutionRatings)
    .where(eq(institutionRatings.planId, plan.id));
  const ownRatings = await executor
    .select({ departmentId: selfAssessments.departmentId, rating: selfAssessments.rating })
    .from(selfAssessments)
    .where(eq(selfAssessments.planId, plan.id));
  const planFindings = await executor
    .select()
    .from(findings)
    .where(and(eq(findings.organizationId, organizationId), eq(findings.planId, plan.id)))
    .orderBy(findings.no);
  const planSummaries = await executor
    .select({
      departmentId: summaries.departmentId,
      highlights: summaries.highlights,
      evidenceIds: summaries.evidenceIds,
      status: summaries.status,
    })
    .from(summaries)
    .where(eq(summaries.planId, plan.id));

  // Evidence counted once however many records cite it: the files and links behind the plan's records.
  const cited = new Set<string>(ledger.evidenceIds);
  const citing = [
    await executor
      .select({ ids: occurrences.evidenceIds })
      .from(occurrences)
      .where(eq(occurrences.planId, plan.id)),
    planSummaries.map((summary) => ({ ids: summary.evidenceIds })),
    await executor
      .select({ ids: selfAssessments.evidenceIds })
      .from(selfAssessments)
      .where(eq(selfAssessments.planId, plan.id)),
    await executor
      .select({ ids: rectificationActions.evidenceIds })
      .from(rectificationActions)
      .innerJoin(findings, eq(findings.id, rectificationActions.findingId))
      .where(eq(findings.planId, plan.id)),
  ];
  for (const rows of citing) for (const row of rows) for (const id of row.ids) cited.add(id);

  /** Each department's mean score over its own ratings, for the performance sheet. */
  const departmentScores = new Map<string, number>();
  for (const department of departmentsWithDuties) {
    const scores = ownRatings
      .filter((row) => row.departmentId === department.id)
      .map((row) => scoreOf(scale, row.rating))
      .filter((score): score is number => score !== undefined);
    if (scores.length > 0)
      departmentScores.set(
        department.id,
        Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 10) / 10,
      );
  }
  /** Share of the findings a department owns that are verified; absent when it owns none. */
  const rectificationRates = new Map<string, number>();
  for (const department of departmentsWithDuties) {
    const owned = planFindings.filter(
      (finding) => finding.ownerDepartmentId === department.id && finding.state !== 'carried_over',
    );
    if (owned.length > 0)
      rectificationRates.set(
        department.id,
        Math.round(
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
    teacherFigures: await gatherTeacherFigures(executor, organizationId, plan.cycleYear, asOf, now),
  };
  return { reportInput, departmentScores, rectificationRates };
}
