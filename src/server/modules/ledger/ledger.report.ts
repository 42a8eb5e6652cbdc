import { calendarDate } from '../../../shared/dates';
import { derivePeriods, measureStates, type ReportStatus } from '../../../shared/ledger/periods';
import type { Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import {
  findLedgerSettings,
  listApprovedMeasures,
  listProgressReportFacts,
  listProgressReports,
  type ProgressReportFacts,
} from './ledger.repository';
import type { ProgressReport } from './ledger.table';

/** A report as read: its facts, and its text and evidence when the records are wanted. */
type ReportRow = ProgressReportFacts & Partial<Pick<ProgressReport, 'text' | 'evidenceIds'>>;

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
    /** The latest version of this period's report, null while it is missing (and without records). */
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
  /**
   * Whether the records behind the figures are wanted (the evidence cited, each measure's latest
   * report and each period's latest version); without them (an oversight snapshot, which counts)
   * those are left empty, and none of thousands of their objects is made.
   */
  withRecords = true,
): Promise<LedgerRecordsForReport> {
  const settings = await findLedgerSettings(executor, planId);
  const [approved, reports] = await readTogether(executor, [
    () => listApprovedMeasures(executor, planId),
    // Without the records, the reports' facts alone: their texts are most of their bytes.
    (): Promise<ReportRow[]> =>
      withRecords
        ? listProgressReports(executor, planId)
        : listProgressReportFacts(executor, planId),
  ]);
  const ownReports = reports.filter((report) => report.organizationId === organizationId);
  const evidenceIds = withRecords
    ? [...new Set(ownReports.flatMap((report) => report.evidenceIds ?? []))]
    : [];
  const periods =
    settings && settings.organizationId === organizationId ? derivePeriods(settings) : [];
  const order = new Map(periods.map((period, index) => [period.key, index]));
  // Each measure's reports by period, each period's versions in order: one pass, not a filter per period.
  const byMeasure = new Map<string, Map<string, typeof ownReports>>();
  for (const report of ownReports) {
    let periodsOfMeasure = byMeasure.get(report.measureId);
    if (!periodsOfMeasure) {
      periodsOfMeasure = new Map();
      byMeasure.set(report.measureId, periodsOfMeasure);
    }
    const versions = periodsOfMeasure.get(report.periodKey);
    if (versions) versions.push(report);
    else periodsOfMeasure.set(report.periodKey, [report]);
  }
  for (const periodsOfMeasure of byMeasure.values())
    for (const versions of periodsOfMeasure.values())
      versions.sort((a, b) => a.version - b.version);
  // A calendar day per report, formatted once however often the report is cited.
  const submittedDays = new Map<(typeof ownReports)[number], string>();
  const submittedDay = (report: (typeof ownReports)[number]) => {
    let day = submittedDays.get(report);
    if (day === undefined) {
      day = calendarDate(report.submittedAt);
      submittedDays.set(report, day);
    }
    return day;
  };

  const periodOf = new Map(periods.map((period) => [period.key, period]));
  const reported = (report: (typeof ownReports)[number], first = report): ReportedVersion => ({
    periodKey: report.periodKey,
    periodLabel: periodOf.get(report.periodKey)?.label ?? report.periodKey,
    dueOn: periodOf.get(report.periodKey)?.dueOn ?? null,
    status: report.status,
    // Made only with the records, whose rows have both.
    text: report.text ?? '',
    evidenceIds: report.evidenceIds ?? [],
    submittedOn: submittedDay(first),
  });
  const latestStatus = new Map<string, ReportStatus>();
  const latestReport = new Map<string, ReportedVersion>();
  const periodReports: LedgerRecordsForReport['periodReports'] = [];
  for (const measure of approved) {
    const mine = byMeasure.get(measure.id) ?? new Map<string, typeof ownReports>();
    // The latest version of the latest period (a period the settings no longer have counts first).
    let latest: (typeof ownReports)[number] | undefined;
    for (const versions of mine.values()) {
      const last = versions.at(-1)!;
      if (
        !latest ||
        (order.get(last.periodKey) ?? -1) > (order.get(latest.periodKey) ?? -1) ||
        ((order.get(last.periodKey) ?? -1) === (order.get(latest.periodKey) ?? -1) &&
          last.version >= latest.version)
      )
        latest = last;
    }
    if (latest) {
      latestStatus.set(measure.id, latest.status);
      if (withRecords) latestReport.set(measure.id, reported(latest));
    }
    const versionsOf = (key: string) => mine.get(key) ?? [];
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
        submittedOn: first ? submittedDay(first) : null,
        periodLabel: period.label,
        latest: withRecords && first && last ? reported(last, first) : null,
      });
    });
  }
  return { evidenceIds, latestStatus, latestReport, periodReports };
}
