import type { YearDashboard } from '../../../shared/api/dashboard';
import { buildQualityReport } from '../../../shared/report/build-quality-report';
import { buildYearDashboard } from '../../../shared/report/year-dashboard';
import type { Clock } from '../../clock';
import type { ViewCache } from '../data-versions/view-cache';
import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import {
  beijingYearBounds,
  countReportsByYear,
} from '../conduct-reports/conduct-report.repository';
import { listSubmissionsOfPlan } from '../breakdowns/breakdown.repository';
import { requirePlan } from '../plans/plan.scope';
import { gatherReportRecords } from '../reports/report.records';
import { listReportsOfPlan } from '../reports/report.repository';
import { toSummary } from '../reports/report.service';
import { coverageDayOf } from '../reports/teacher-figures';
import { computeOrganizationCoverage } from '../activities/activity.service';
import { listDepartments } from '../departments/department.repository';
import type { SupervisionService } from '../supervision/supervision.service';

/**
 * The leader's year. The figures the quality report prints come from the report's own gathering
 * and computation (gatherReportRecords + buildQualityReport), so the dashboard and a report
 * generated at the same moment agree by construction.
 */
export function createDashboardService({
  db,
  clock,
  supervision,
  views,
}: {
  db: Database;
  clock: Clock;
  supervision: Pick<SupervisionService, 'lateWork'>;
  /** The year is computed once per write of the organization (and day). */
  views: ViewCache;
}) {
  return {
    year: (actor: Actor, planId: string): Promise<YearDashboard> =>
      views.read(actor.organizationId, `dashboard.year/${planId}`, () => year(actor, planId)),
  };

  async function year(actor: Actor, planId: string): Promise<YearDashboard> {
    const { plan } = await requirePlan(db, actor.organizationId, planId);
    const records = await gatherReportRecords(db, actor.organizationId, plan.id, clock.now());
    const report = buildQualityReport(records.reportInput);
    const withDuties = new Set(records.reportInput.departments.map((department) => department.id));
    const [submissions, lateWork, reports] = await Promise.all([
      listSubmissionsOfPlan(db, plan.id),
      supervision.lateWork(actor.organizationId),
      listReportsOfPlan(db, actor.organizationId, plan.id),
    ]);
    const latest = reports[0];
    // The same day as the report's coverage figures, so the lowest departments add up to them.
    const names = new Map(
      (await listDepartments(db, actor.organizationId)).map((row) => [row.id, row.name]),
    );
    const coverageDepartments = new Map(
      (
        await computeOrganizationCoverage(
          db,
          actor.organizationId,
          coverageDayOf(plan.cycleYear, report.asOf),
          clock.now(),
        )
      ).map(({ rule, departments }) => [
        rule.id,
        departments.map((row) => ({
          departmentId: row.departmentId,
          name: row.departmentId ? (names.get(row.departmentId) ?? '') : '未匹配部门',
          required: row.required,
          covered: row.covered,
        })),
      ]),
    );
    const conductYear = beijingYearBounds(plan.cycleYear);
    return buildYearDashboard(report, {
      breakdownStatuses: submissions
        .filter((submission) => withDuties.has(submission.departmentId))
        .map((submission) => ({
          departmentId: submission.departmentId,
          status: submission.status,
        })),
      measureStatuses: records.reportInput.measures.map((measure) => measure.latestStatus),
      lateWork: lateWork
        .filter((subject) => subject.planId === plan.id)
        .map((subject) => ({ departmentId: subject.departmentId, colour: subject.colour })),
      summariesSubmitted: records.reportInput.summaries.length,
      selfAssessedDepartments: records.departmentScores.size,
      report: latest ? toSummary(latest) : null,
      coverageDepartments,
      conductReports: await countReportsByYear(
        db,
        actor.organizationId,
        conductYear.start,
        conductYear.end,
      ),
    });
  }
}

export type DashboardService = ReturnType<typeof createDashboardService>;
