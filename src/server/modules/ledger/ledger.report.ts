import { calendarDate } from '../../../shared/dates';
import { derivePeriods, measureStates, type ReportStatus } from '../../../shared/ledger/periods';
import type { Executor } from '../../db/client';
import { findLedgerSettings, listApprovedMeasures, listProgressReports } from './ledger.repository';

export interface LedgerRecordsForReport {
  /** Every evidence id cited by any version of any progress report of the plan. */
  evidenceIds: string[];
  /** measureId → the status of its most recent report (the latest version of its latest reported period). */
  latestStatus: Map<string, ReportStatus>;
  /** measureId → its most recent report (the one `latestStatus` reads), for the records behind a figure. */
  latestReport: Map<string, ReportedVersion>;
  /**
   * One entry per approved measure and period due on or before `asOf` (a calendar day), except
   * periods after the measure was reported done; `submittedOn` is the calendar day of the first
   * version, null while the report is missing.
   */
  periodReports: {
    measureId: string;
    departmentId: string;
    itemId: string;
    periodKey: string;
    dueOn: string;
    submittedOn: string | null;
    periodLabel: string;
    /** The latest version of this period's report, null while it is missing. */
    latest: ReportedVersion | null;
  }[];
}

export interface ReportedVersion {
  periodKey: string;
  periodLabel: string;
  dueOn: string | null;
  status: ReportStatus;
  text: string;
  evidenceIds: string[];
  submittedOn: string;
}

/** The ledger as the quality report reads it: read-only, for one plan of one organization. */
export async function listLedgerRecordsForReport(
  executor: Executor,
  organizationId: string,
  planId: string,
  asOf: string,
): Promise<LedgerRecordsForReport> {
  const settings = await findLedgerSettings(executor, planId);
  const [approved, reports] = await Promise.all([
    listApprovedMeasures(executor, planId),
    listProgressReports(executor, planId),
  ]);
  const ownReports = reports.filter((report) => report.organizationId === organizationId);
  const evidenceIds = [...new Set(ownReports.flatMap((report) => report.evidenceIds))];
  const periods =
    settings && settings.organizationId === organizationId ? derivePeriods(settings) : [];
  const order = new Map(periods.map((period, index) => [period.key, index]));
  const byMeasure = new Map<string, typeof ownReports>();
  for (const report of ownReports)
    byMeasure.set(report.measureId, [...(byMeasure.get(report.measureId) ?? []), report]);

  const periodOf = new Map(periods.map((period) => [period.key, period]));
  const reported = (report: (typeof ownReports)[number], first = report): ReportedVersion => ({
    periodKey: report.periodKey,
    periodLabel: periodOf.get(report.periodKey)?.label ?? report.periodKey,
    dueOn: periodOf.get(report.periodKey)?.dueOn ?? null,
    status: report.status,
    text: report.text,
    evidenceIds: report.evidenceIds,
    submittedOn: calendarDate(first.submittedAt),
  });
  const latestStatus = new Map<string, ReportStatus>();
  const latestReport = new Map<string, ReportedVersion>();
  const periodReports: LedgerRecordsForReport['periodReports'] = [];
  for (const measure of approved) {
    const mine = byMeasure.get(measure.id) ?? [];
    const latest = [...mine]
      .sort(
        (a, b) =>
          (order.get(a.periodKey) ?? -1) - (order.get(b.periodKey) ?? -1) || a.version - b.version,
      )
      .at(-1);
    if (latest) {
      latestStatus.set(measure.id, latest.status);
      latestReport.set(measure.id, reported(latest));
    }
    const versionsOf = (key: string) =>
      mine.filter((report) => report.periodKey === key).sort((a, b) => a.version - b.version);
    const facts = periods.flatMap((period) => {
      const versions = versionsOf(period.key);
      return versions.length > 0
        ? [{ periodKey: period.key, late: versions[0]!.late, status: versions.at(-1)!.status }]
        : [];
    });
    const states = measureStates(periods, facts, asOf);
    periods.forEach((period, index) => {
      if (period.dueOn > asOf || states[index] === 'closed') return;
      const versions = versionsOf(period.key);
      const first = versions[0];
      const last = versions.at(-1);
      periodReports.push({
        measureId: measure.id,
        departmentId: measure.departmentId,
        itemId: measure.itemId,
        periodKey: period.key,
        dueOn: period.dueOn,
        submittedOn: first ? calendarDate(first.submittedAt) : null,
        periodLabel: period.label,
        latest: first && last ? reported(last, first) : null,
      });
    });
  }
  return { evidenceIds, latestStatus, latestReport, periodReports };
}
