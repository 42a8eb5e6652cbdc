import { setImmediate as turn } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { sha256 } from '../../io/sha256';
import type { z } from 'zod';
import type { sheetUploadQuerySchema } from '../../../shared/api/breakdowns';
import type { EvidenceView } from '../../../shared/api/evidence';
import type {
  bulkReportBodySchema,
  BulkReportResult,
  PeriodSheetPreview,
  PeriodSheetProblem,
  DepartmentLedger,
  LedgerOverview,
  LedgerRow,
  ledgerQuerySchema,
  LedgerSettingsView,
  ledgerSettingsBodySchema,
  ProgressReportView,
  reportBodySchema,
} from '../../../shared/api/ledger';
import { localDateTime } from '../../../shared/dates';
import { AppError, type Locale } from '../../../shared/errors';
import {
  currentPeriod,
  dayOf,
  derivePeriods,
  hasStarted,
  isPastDue,
  maxPeriods,
  measureStates,
  reportStatuses,
  worstState,
  type CellState,
  type LedgerSettings,
  type ReportFacts,
  type ReportingPeriod,
  periodLabel,
} from '../../../shared/ledger/periods';
import type { Clock } from '../../clock';
import type { ViewCache } from '../data-versions/view-cache';
import { listDepartments } from '../departments/department.repository';
import type { Database, Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import { streamDocument, writeDocument } from '../../io/document-writer-pool';
import { LEDGER_FIELDS } from '../../io/ledger-columns';
import { packRows } from '../../io/packed-rows';
import { defaultImportLimits, readDocumentBlocks } from '../../io/plan-document-reader';
import type { Upload } from '../../http/upload';
import {
  NO_NEW_PROGRESS,
  periodSheetStatusWords,
  periodSheetSubtitle,
  planPeriodSheet,
  readPeriodSheet,
  SAME_AS_PREVIOUS,
} from '../../../shared/ledger/period-sheet';
import { findObligation } from '../obligations/obligation.repository';
import { recordOccurrenceIn } from '../obligations/obligation.service';
import { listItemsOfStandard } from '../standards/standard.repository';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { findSubmission } from '../breakdowns/breakdown.repository';
import { assertEvidenceUsable, evidenceViewsById } from '../evidence/evidence.service';
import {
  findLatestVersion,
  findLedgerSettings,
  findReportingScope,
  insertLedgerSettings,
  insertProgressReport,
  listApprovedMeasures,
  listProgressReportFacts,
  listProgressReports,
  listReportedPeriodKeys,
  lockApprovedMeasure,
  lockMeasure,
  updateLedgerSettingsAtVersion,
  type LedgerMeasure,
  type ProgressReportFacts,
} from './ledger.repository';
import type { LedgerSettingsRow, ProgressReport } from './ledger.table';
import { requirePlan } from '../plans/plan.scope';
import {
  requireOwnDepartmentOfLiaison,
  requirePlanAndReachableDepartment,
} from '../departments/department.scope';
import { type MessageKey, translate } from '../../../shared/i18n/messages';

type SettingsInput = z.output<typeof ledgerSettingsBodySchema>;
type ReportInput = z.output<typeof reportBodySchema>;
type LedgerQuery = z.output<typeof ledgerQuerySchema>;
type BulkInput = z.output<typeof bulkReportBodySchema>;
type SheetQuery = z.output<typeof sheetUploadQuerySchema>;
/** A period sheet's preview or outcome before its problems are worded in the caller's language. */
export type PeriodSheetOutcome = Omit<PeriodSheetPreview, 'problems'> & {
  problems: PeriodSheetProblem[];
};

const settingsOf = (row: LedgerSettingsRow): LedgerSettings => ({
  frequency: row.frequency,
  dueDay: row.dueDay,
  firstPeriod: row.firstPeriod,
  lastPeriod: row.lastPeriod,
});
const periodsOf = (row: LedgerSettingsRow | undefined): ReportingPeriod[] =>
  row ? derivePeriods(settingsOf(row)) : [];

function settingsView(row: LedgerSettingsRow | undefined, today: string): LedgerSettingsView {
  const periods = periodsOf(row);
  return {
    settings: row
      ? { ...settingsOf(row), version: row.version, updatedAt: row.updatedAt.toISOString() }
      : null,
    periods,
    today,
    currentPeriodKey: currentPeriod(periods, today)?.key ?? null,
  };
}

function reportView(
  report: ProgressReport,
  evidence: Map<string, EvidenceView>,
): ProgressReportView {
  return {
    id: report.id,
    measureId: report.measureId,
    periodKey: report.periodKey,
    version: report.version,
    status: report.status,
    text: report.text,
    evidence: report.evidenceIds
      .map((id) => evidence.get(id))
      .filter((view): view is EvidenceView => view !== undefined),
    late: report.late,
    submittedBy: report.submittedByName,
    submittedAt: report.submittedAt.toISOString(),
  };
}

/** One department's part of the whole ledger: its rows and its department × period cells. */
interface Slice {
  department: { id: string; name: string } | null;
  rows: LedgerRow[];
  matrix: LedgerOverview['matrix'];
}

/** How long a cold ledger is made before the event loop turns (computeSlices). */
const SLICE_BUDGET_MS = 5;

/**
 * A plan's (or a department's) report versions by measure, then by period, each period's in the
 * order read (oldest first). By measure first: a ledger of 2,400 measures × 12 periods looks up
 * 29,000 cells, and a key made of both ids would be a new string to build and hash for each.
 */
class ReportVersions<Report extends ProgressReportFacts> {
  private readonly byMeasure = new Map<string, Map<string, Report[]>>();

  constructor(reports: readonly Report[]) {
    for (const report of reports) {
      let periods = this.byMeasure.get(report.measureId);
      if (!periods) {
        periods = new Map();
        this.byMeasure.set(report.measureId, periods);
      }
      const versions = periods.get(report.periodKey);
      if (versions) versions.push(report);
      else periods.set(report.periodKey, [report]);
    }
  }

  /** One measure's versions by period (undefined when it has no report). */
  ofMeasure(measureId: string): ReadonlyMap<string, readonly Report[]> | undefined {
    return this.byMeasure.get(measureId);
  }

  /** One measure's versions for one period, oldest first (undefined before the first). */
  of(measureId: string, periodKey: string): readonly Report[] | undefined {
    return this.byMeasure.get(measureId)?.get(periodKey);
  }

  /** The latest version of every measure's every period. */
  latest(): Report[] {
    const latest: Report[] = [];
    for (const periods of this.byMeasure.values())
      for (const versions of periods.values()) latest.push(versions.at(-1)!);
    return latest;
  }
}

/** Each measure's state in each period, from its reports: late by the first version, status by the latest. */
function statesOf(
  measure: LedgerMeasure,
  periods: readonly ReportingPeriod[],
  grouped: ReportVersions<ProgressReportFacts>,
  today: string,
): CellState[] {
  const mine = grouped.ofMeasure(measure.id);
  const facts: ReportFacts[] = [];
  if (mine)
    for (const period of periods) {
      const versions = mine.get(period.key);
      if (versions)
        facts.push({
          periodKey: period.key,
          late: versions[0]!.late,
          status: versions.at(-1)!.status,
        });
    }
  return measureStates(periods, facts, today);
}

export interface MissingPeriodReport {
  departmentId: string;
  departmentName: string;
  measureId: string;
  measureText: string;
  itemId: string;
  itemNo: number;
  periodKey: string;
  periodLabel: string;
  dueOn: string;
}

/**
 * Every approved measure of the plan with no report for a period whose due day has passed by
 * `today` (a calendar date of the institution, or an instant read in Asia/Shanghai). A measure
 * reported done needs no reports for the periods after. For the ledger and the reminder job.
 */
export async function listMissingPeriodReports(
  executor: Executor,
  organizationId: string,
  planId: string,
  today: Date | string,
  /** Only this department's (a liaison's to-do): its rows alone are read. */
  departmentId?: string,
): Promise<MissingPeriodReport[]> {
  const _found = await requirePlan(executor, organizationId, planId);
  const periods = periodsOf(await findLedgerSettings(executor, planId));
  if (periods.length === 0) return [];
  const day = dayOf(today);
  const [allMeasures, reports] = await readTogether(executor, [
    () => listApprovedMeasures(executor, planId, departmentId),
    () => listProgressReportFacts(executor, planId, departmentId),
  ]);
  const grouped = new ReportVersions(reports);
  const missing: MissingPeriodReport[] = [];
  for (const measure of allMeasures)
    statesOf(measure, periods, grouped, day).forEach((state, index) => {
      if (state !== 'missing') return;
      const period = periods[index]!;
      missing.push({
        departmentId: measure.departmentId,
        departmentName: measure.departmentName,
        measureId: measure.id,
        measureText: measure.text,
        itemId: measure.itemId,
        itemNo: measure.itemNo,
        periodKey: period.key,
        periodLabel: period.label,
        dueOn: period.dueOn,
      });
    });
  return missing;
}

export function createLedgerService({
  db,
  clock,
  views,
}: {
  db: Database;
  clock: Clock;
  /** Views kept until the next write: the whole ledger (in department slices), its pages, a department's ledger. */
  views: ViewCache;
}) {
  const today = () => dayOf(clock.now());

  /** The plan and department, both of the actor's organization; a liaison only reaches their own department. */
  async function scope(executor: Executor, actor: Actor, planId: string, departmentId: string) {
    // One statement for both (a save's first round trip).
    const { plan, department } = await requirePlanAndReachableDepartment(
      executor,
      actor,
      planId,
      departmentId,
    );
    return { plan, department };
  }

  async function evidenceOf(executor: Executor, actor: Actor, reports: readonly ProgressReport[]) {
    return evidenceViewsById(
      executor,
      actor.organizationId,
      reports.flatMap((report) => report.evidenceIds),
    );
  }

  async function departmentLedger(
    executor: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
  ): Promise<DepartmentLedger> {
    const { plan, department } = await scope(executor, actor, planId, departmentId);
    const day = today();
    const [settingsRow, submission, mine, reports] = await readTogether(executor, [
      () => findLedgerSettings(executor, plan.id),
      () => findSubmission(executor, plan.id, department.id),
      () => listApprovedMeasures(executor, plan.id, department.id),
      () => listProgressReports(executor, plan.id, department.id),
    ]);
    const periods = periodsOf(settingsRow);
    const grouped = new ReportVersions(reports);
    const evidence = await evidenceOf(executor, actor, reports);
    return {
      planId: plan.id,
      department: { id: department.id, name: department.name },
      breakdownStatus: submission?.status ?? 'not_started',
      settings: settingsView(settingsRow, day),
      measures: mine.map((measure) => {
        const states = statesOf(measure, periods, grouped, day);
        return {
          id: measure.id,
          item: { id: measure.itemId, no: measure.itemNo, content: measure.itemContent },
          text: measure.text,
          deadline: { kind: measure.deadlineKind, dueOn: measure.dueOn },
          periods: periods.map((period, index) => ({
            periodKey: period.key,
            state: states[index]!,
            versions: (grouped.of(measure.id, period.key) ?? []).map((report) =>
              reportView(report, evidence),
            ),
          })),
        };
      }),
    };
  }

  /** One version of one measure's report for one period, after checking the version it is based on. */
  async function writeReport(
    tx: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
    measure: LedgerMeasure,
    period: ReportingPeriod,
    input: Pick<ReportInput, 'basedOnVersion' | 'status' | 'text' | 'evidenceIds'>,
    {
      via,
      locked = false,
    }: {
      via?: Record<string, unknown>;
      /** The measure's row is locked already (read with `lockApprovedMeasure`). */
      locked?: boolean;
    } = {},
  ): Promise<ProgressReport> {
    const now = clock.now();
    const day = dayOf(now);
    if (!locked) await lockMeasure(tx, measure.id);
    const latest = await findLatestVersion(tx, measure.id, period.key);
    if ((latest?.version ?? 0) !== input.basedOnVersion) {
      const evidence = await evidenceOf(tx, actor, latest ? [latest] : []);
      throw new AppError(
        'ledger.report_version_conflict',
        { version: latest?.version ?? 0 },
        [],
        latest ? reportView(latest, evidence) : null,
      );
    }
    const cited = await assertEvidenceUsable(tx, actor, [...input.evidenceIds]);
    const report = await insertProgressReport(tx, {
      organizationId: actor.organizationId,
      planId,
      departmentId,
      measureId: measure.id,
      periodKey: period.key,
      version: (latest?.version ?? 0) + 1,
      status: input.status,
      text: input.text,
      evidenceIds: cited.map((record) => record.id),
      late: isPastDue(period, day),
      submittedBy: actor.userId,
      submittedByName: actor.username,
      submittedAt: now,
    });
    await recordAudit(tx, clock, actor, {
      action: 'ledger.report',
      entityType: 'progress_report',
      entityId: report.id,
      before: latest ?? null,
      after: via ? { ...report, ...via } : report,
    });
    return report;
  }

  /** The plan, department, period (started) and approved measures a whole period is reported against. */
  async function periodScope(
    executor: Executor,
    actor: Actor,
    planId: string,
    departmentId: string,
    periodKey: string,
  ) {
    const { plan, department } = await scope(executor, actor, planId, departmentId);
    // The settings and the breakdown's status in one statement.
    const { settings: settingsRow, breakdownStatus } = await findReportingScope(
      executor,
      plan.id,
      department.id,
    );
    if (!settingsRow) throw new AppError('ledger.not_configured');
    if (breakdownStatus !== 'approved') throw new AppError('ledger.not_approved');
    const periods = periodsOf(settingsRow);
    const index = periods.findIndex((candidate) => candidate.key === periodKey);
    if (index < 0) throw new AppError('ledger.unknown_period', { period: periodKey });
    const period = periods[index]!;
    if (!hasStarted(period, today()))
      throw new AppError('ledger.period_not_started', {
        period: period.label,
        startsOn: period.startsOn,
      });
    return {
      plan,
      department,
      period,
      previous: index > 0 ? periods[index - 1]! : null,
      measures: await listApprovedMeasures(executor, plan.id, department.id),
    };
  }

  /** Each approved measure with this period's latest report and the previous period's. */
  async function periodSheetInput(
    executor: Executor,
    planId: string,
    departmentId: string,
    period: ReportingPeriod,
    previous: ReportingPeriod | null,
    measures: readonly LedgerMeasure[],
  ) {
    const grouped = new ReportVersions(await listProgressReports(executor, planId, departmentId));
    const latestOf = (measureId: string, key: string | undefined) =>
      key ? grouped.of(measureId, key)?.at(-1) : undefined;
    const asReport = (report: ProgressReport | undefined) =>
      report
        ? {
            status: report.status,
            text: report.text,
            evidenceIds: report.evidenceIds,
            version: report.version,
          }
        : null;
    return measures.map((measure) => ({
      measure,
      id: measure.id,
      itemNo: measure.itemNo,
      text: measure.text,
      current: asReport(latestOf(measure.id, period.key)),
      previous: asReport(latestOf(measure.id, previous?.key)),
    }));
  }

  /** The period's reports as a preview saw them: any new version of one of them changes it. */
  const periodFingerprint = (
    entries: readonly { id: string; current: { version: number } | null }[],
  ) =>
    sha256(JSON.stringify(entries.map((entry) => [entry.id, entry.current?.version ?? 0]).sort()));

  /** Every measure × period of the plan, before filters, and the department × period matrix. */
  function wholeLedger(actor: Actor, planId: string) {
    return views.read(
      actor.organizationId,
      `ledger.whole/${planId}`,
      () => computeWholeLedger(actor, planId),
      { warm: true },
    );
  }

  /**
   * Departments' rows and department × period cells of the whole ledger, read together (the
   * plan's, when all are asked for): a cold ledger costs three queries, not three per department.
   */
  async function computeSlices(
    actor: Actor,
    planId: string,
    periods: readonly ReportingPeriod[],
    day: string,
    departmentIds: readonly string[],
    everyDepartment: boolean,
  ) {
    const only = everyDepartment ? undefined : departmentIds;
    const [approved, reports] = await Promise.all([
      listApprovedMeasures(db, planId, only),
      listProgressReports(db, planId, only),
    ]);
    const grouped = new ReportVersions(reports);
    const latest = grouped.latest();
    const evidence = await evidenceOf(db, actor, latest);
    const measuresOf = new Map(departmentIds.map((id): [string, LedgerMeasure[]] => [id, []]));
    for (const measure of approved) measuresOf.get(measure.departmentId)?.push(measure);
    // A cold ledger (every department's slice: 19,000 rows at S) takes some 100 ms to make: the
    // event loop turns between departments once a few ms have gone, so that no other request
    // waits for all of it.
    const slices = new Map<string, Slice>();
    let since = performance.now();
    for (const departmentId of departmentIds) {
      if (performance.now() - since > SLICE_BUDGET_MS) {
        await turn();
        since = performance.now();
      }
      const mine = measuresOf.get(departmentId)!;
      const rows: LedgerRow[] = [];
      const statesOfPeriod = periods.map((): CellState[] => []);
      for (const measure of mine) {
        const states = statesOf(measure, periods, grouped, day);
        // One object each per measure, shared by its periods' rows (a kept view holds them all).
        const department = { id: measure.departmentId, name: measure.departmentName };
        const item = { id: measure.itemId, no: measure.itemNo, content: measure.itemContent };
        const measureView = { id: measure.id, text: measure.text };
        periods.forEach((period, index) => {
          const versions = grouped.of(measure.id, period.key);
          const state = states[index]!;
          rows.push({
            department,
            item,
            measure: measureView,
            period,
            state,
            report: versions ? reportView(versions.at(-1)!, evidence) : null,
          });
          statesOfPeriod[index]!.push(state);
        });
      }
      const matrix: LedgerOverview['matrix'] = [];
      periods.forEach((period, index) => {
        const states = statesOfPeriod[index]!;
        const state = worstState(states);
        if (!state) return;
        const counts: Record<string, number> = {};
        for (const each of states) counts[each] = (counts[each] ?? 0) + 1;
        matrix.push({ departmentId, periodKey: period.key, state, counts });
      });
      const first = mine[0];
      slices.set(departmentId, {
        department: first ? { id: first.departmentId, name: first.departmentName } : null,
        rows,
        matrix,
      });
    }
    return slices;
  }

  /**
   * Every measure × period of the plan, before filters, and the department × period matrix: one
   * kept slice per department, so a department's write recomputes its slice and not the others.
   */
  async function computeWholeLedger(actor: Actor, planId: string) {
    const { plan, standardTitle } = await requirePlan(db, actor.organizationId, planId);
    const day = today();
    const [settingsRow, allDepartments] = await Promise.all([
      findLedgerSettings(db, plan.id),
      // In the order the ledger lists departments (position, then name, as its SQL sorts them).
      listDepartments(db, actor.organizationId),
    ]);
    const periods = periodsOf(settingsRow);
    const departmentIds = allDepartments.map((department) => department.id);
    const slices = await views.readPerDepartment(
      actor.organizationId,
      `ledger.slice/${plan.id}`,
      departmentIds,
      (missing) =>
        computeSlices(
          actor,
          plan.id,
          periods,
          day,
          missing,
          missing.length === departmentIds.length,
        ),
    );
    return {
      plan,
      standardTitle,
      settings: settingsView(settingsRow, day),
      departments: slices.flatMap((slice) => (slice.department ? [slice.department] : [])),
      matrix: slices.flatMap((slice) => slice.matrix),
      rows: slices.flatMap((slice) => slice.rows),
      periods,
    };
  }

  async function ledgerPage(
    actor: Actor,
    planId: string,
    query: LedgerQuery,
  ): Promise<LedgerOverview> {
    const whole = await wholeLedger(actor, planId);
    const matching = applyFilters(whole.rows, query);
    const start = (query.page - 1) * query.pageSize;
    return {
      settings: whole.settings,
      departments: whole.departments,
      matrix: whole.matrix,
      rows: matching.slice(start, start + query.pageSize),
      matchingRows: matching.length,
      totalRows: whole.rows.length,
    };
  }

  function applyFilters(rows: readonly LedgerRow[], query: LedgerQuery): LedgerRow[] {
    const words = query.search?.toLowerCase();
    return rows.filter(
      (row) =>
        (!query.departmentId || row.department.id === query.departmentId) &&
        (!query.itemNo || row.item.no === query.itemNo) &&
        (!query.itemFrom || row.item.no >= query.itemFrom) &&
        (!query.itemTo || row.item.no <= query.itemTo) &&
        (!query.periodKey || row.period.key === query.periodKey) &&
        (!query.state || row.state === query.state) &&
        (!query.status || row.report?.status === query.status) &&
        (!words ||
          [row.department.name, row.measure.text, row.item.content, row.report?.text ?? ''].some(
            (text) => text.toLowerCase().includes(words),
          )),
    );
  }

  return {
    async getSettings(actor: Actor, planId: string): Promise<LedgerSettingsView> {
      const { plan } = await requirePlan(db, actor.organizationId, planId);
      return settingsView(await findLedgerSettings(db, plan.id), today());
    },

    /** The coordinating office sets (or changes) the reporting periods; periods that already have reports must stay. */
    async setSettings(
      actor: Actor,
      planId: string,
      input: SettingsInput,
    ): Promise<LedgerSettingsView> {
      const settings: LedgerSettings = {
        frequency: input.frequency,
        dueDay: input.dueDay,
        firstPeriod: input.firstPeriod,
        lastPeriod: input.lastPeriod,
      };
      if (settings.lastPeriod < settings.firstPeriod)
        throw new AppError('ledger.bad_settings', { detail: '最后一期不能早于第一期' });
      let periods: ReportingPeriod[];
      try {
        periods = derivePeriods(settings);
      } catch {
        throw new AppError('ledger.bad_settings', { detail: `最多 ${maxPeriods} 期` });
      }
      return db.transaction(async (tx) => {
        const { plan } = await requirePlan(tx, actor.organizationId, planId);
        const keys = new Set(periods.map((period) => period.key));
        const dropped = (await listReportedPeriodKeys(tx, plan.id))
          .filter((key) => !keys.has(key))
          .sort();
        if (dropped.length > 0)
          throw new AppError('ledger.settings_in_use', { periods: dropped.join('、') });
        const before = await findLedgerSettings(tx, plan.id);
        const now = clock.now();
        let after: LedgerSettingsRow | undefined;
        if (!before) {
          if (input.version !== undefined)
            throw new AppError(
              'ledger.settings_version_conflict',
              { version: 0 },
              [],
              settingsView(undefined, today()),
            );
          after = await insertLedgerSettings(tx, {
            organizationId: actor.organizationId,
            planId: plan.id,
            ...settings,
            createdAt: now,
            updatedAt: now,
          });
          if (!after) {
            const current = await findLedgerSettings(tx, plan.id);
            throw new AppError(
              'ledger.settings_version_conflict',
              { version: current?.version ?? 0 },
              [],
              settingsView(current, today()),
            );
          }
        } else {
          if (input.version === undefined || input.version !== before.version) {
            throw new AppError(
              'ledger.settings_version_conflict',
              { version: before.version },
              [],
              settingsView(before, today()),
            );
          }
          after = await updateLedgerSettingsAtVersion(tx, before.id, input.version, {
            ...settings,
            updatedAt: now,
          });
          if (!after)
            throw new AppError(
              'ledger.settings_version_conflict',
              { version: before.version },
              [],
              settingsView(before, today()),
            );
        }
        await recordAudit(tx, clock, actor, {
          action: 'ledger.set_settings',
          entityType: 'ledger_settings',
          entityId: after.id,
          before: before ?? null,
          after,
        });
        return settingsView(after, today());
      });
    },

    /** A department's ledger, computed again only after a write of its own records or a shared one. */
    async department(actor: Actor, planId: string, departmentId: string) {
      const found = await views.read(
        actor.organizationId,
        `ledger.department/${planId}/${departmentId}`,
        // Computing it checks the plan and the department (scope) for this reader, in one connection.
        () => db.transaction((tx) => departmentLedger(tx, actor, planId, departmentId)),
        { departmentId },
      );
      // A kept view proves the plan and department exist at this version; the reader is checked every time.
      requireOwnDepartmentOfLiaison(actor, departmentId);
      return found;
    },

    /**
     * A department reports one period of one approved measure. The first report of a period is
     * version 1; a correction is the next version, naming the version it corrects. A period that
     * has not started is refused; after the due day the report is kept and marked late.
     */
    async report(
      actor: Actor,
      planId: string,
      departmentId: string,
      input: ReportInput,
    ): Promise<ProgressReportView> {
      return db.transaction(async (tx) => {
        const { plan, department } = await scope(tx, actor, planId, departmentId);
        // The settings and the breakdown's status in one statement.
        const { settings: settingsRow, breakdownStatus } = await findReportingScope(
          tx,
          plan.id,
          department.id,
        );
        if (!settingsRow) throw new AppError('ledger.not_configured');
        if (breakdownStatus !== 'approved') throw new AppError('ledger.not_approved');
        const period = periodsOf(settingsRow).find(
          (candidate) => candidate.key === input.periodKey,
        );
        // The measure is read and locked in one statement (its reports' versions follow one another).
        const measure = await lockApprovedMeasure(tx, plan.id, department.id, input.measureId);
        if (!measure) throw new AppError('measure.not_found');
        if (!period) throw new AppError('ledger.unknown_period', { period: input.periodKey });
        if (!hasStarted(period, today()))
          throw new AppError('ledger.period_not_started', {
            period: period.label,
            startsOn: period.startsOn,
          });
        const report = await writeReport(
          tx,
          actor,
          plan.id,
          department.id,
          measure,
          period,
          input,
          {
            locked: true,
          },
        );
        return reportView(report, await evidenceOf(tx, actor, [report]));
      });
    },

    /**
     * A department reports a whole period at once (整期报送): every measure given, each naming
     * the latest version it saw, all or nothing. A report may also count as an occurrence of a
     * confirmed obligation of the measure's item (the same text and evidence, on the day given).
     */
    async reportPeriod(
      actor: Actor,
      planId: string,
      departmentId: string,
      periodKey: string,
      input: BulkInput,
    ): Promise<BulkReportResult> {
      return db.transaction(async (tx) => {
        const { plan, department, period, measures } = await periodScope(
          tx,
          actor,
          planId,
          departmentId,
          periodKey,
        );
        const byId = new Map(measures.map((measure) => [measure.id, measure]));
        const seen = new Set<string>();
        for (const entry of input.reports) {
          const measure = byId.get(entry.measureId);
          if (!measure) throw new AppError('measure.not_found');
          if (seen.has(measure.id))
            throw new AppError('ledger.bulk_repeated', { measure: measure.text.slice(0, 40) });
          seen.add(measure.id);
        }
        const reports: ProgressReport[] = [];
        let occurrences = 0;
        // Measures locked in one order, so that two batches of one department cannot deadlock.
        const ordered = [...input.reports].sort((a, b) => a.measureId.localeCompare(b.measureId));
        for (const entry of ordered) {
          const measure = byId.get(entry.measureId)!;
          reports.push(
            await writeReport(tx, actor, plan.id, department.id, measure, period, entry, {
              via: { via: 'period' },
            }),
          );
          if (entry.occurrence) {
            const obligation = await findObligation(
              tx,
              actor.organizationId,
              plan.id,
              entry.occurrence.obligationId,
            );
            if (!obligation) throw new AppError('obligation.not_found');
            if (obligation.itemId !== measure.itemId) {
              const items = await listItemsOfStandard(tx, plan.standardId);
              throw new AppError('ledger.occurrence_wrong_item', {
                obligationItem: items.find((item) => item.id === obligation.itemId)?.no ?? '',
                measure: measure.text.slice(0, 40),
                itemNo: measure.itemNo,
              });
            }
            await recordOccurrenceIn(tx, clock, actor, plan.id, obligation.id, {
              departmentId: department.id,
              occurredOn: entry.occurrence.occurredOn,
              description: entry.text,
              evidenceIds: entry.evidenceIds,
              achieved: entry.occurrence.achieved,
              outOf: entry.occurrence.outOf,
            });
            occurrences += 1;
          }
        }
        const order = new Map(measures.map((measure, index) => [measure.id, index]));
        reports.sort((a, b) => order.get(a.measureId)! - order.get(b.measureId)!);
        const evidence = await evidenceOf(tx, actor, reports);
        return { reports: reports.map((report) => reportView(report, evidence)), occurrences };
      });
    },

    /** The department's 工作进度报送表 for one period: every approved measure, this period's report filled in. */
    async exportPeriodSheet(
      actor: Actor,
      planId: string,
      departmentId: string,
      periodKey: string,
    ): Promise<{ fileName: string; bytes: Buffer }> {
      return db.transaction(async (tx) => {
        const { plan, department, period, previous, measures } = await periodScope(
          tx,
          actor,
          planId,
          departmentId,
          periodKey,
        );
        const { standardTitle } = await requirePlan(tx, actor.organizationId, plan.id);
        const entries = await periodSheetInput(
          tx,
          plan.id,
          department.id,
          period,
          previous,
          measures,
        );
        const grouped = new ReportVersions(await listProgressReports(tx, plan.id, department.id));
        const evidence = await evidenceOf(tx, actor, grouped.latest());
        const describe = (ids: readonly string[]) =>
          ids
            .map((id) => evidence.get(id))
            .filter((item): item is EvidenceView => item !== undefined)
            .map((item) => (item.kind === 'link' ? `${item.title}（${item.url}）` : item.title))
            .join('\n');
        const title = `落实《${standardTitle}》工作进度报送表（${department.name}）`;
        const bytes = await writeDocument('periodSheetXlsx', {
          title,
          subtitle: periodSheetSubtitle({
            department: department.name,
            periodLabel: period.label,
            periodKey: period.key,
            dueOn: period.dueOn,
          }),
          note: `填写说明：每条措施一行，在“进展状态”（下拉选择）和“本期进展情况”两列填写；本期进展与上期相同的，“本期进展情况”填“${SAME_AS_PREVIOUS}”，沿用上期的状态、内容和佐证材料；没有新进展的填“${NO_NEW_PROGRESS}”。留空的行不报送。佐证材料请在网页上上传。请勿改动表头和其他列。`,
          statuses: reportStatuses.map((status) => periodSheetStatusWords[status]),
          rows: entries.map((entry) => ({
            measureId: entry.id,
            itemNo: entry.itemNo,
            item: entry.measure.itemContent,
            measure: entry.text,
            previous: entry.previous
              ? `【${periodSheetStatusWords[entry.previous.status]}】${entry.previous.text}`
              : '',
            status: entry.current ? periodSheetStatusWords[entry.current.status] : '',
            text: entry.current?.text ?? '',
            evidence: describe(entry.current?.evidenceIds ?? []),
          })),
        });
        await recordAudit(tx, clock, actor, {
          action: 'export.period_sheet',
          entityType: 'plan',
          entityId: plan.id,
          after: { departmentId: department.id, periodKey: period.key, rows: entries.length },
        });
        return { fileName: `${title}${period.label}.xlsx`, bytes };
      });
    },

    /**
     * The period sheet filled in offline and uploaded back. With dryRun, the reports it would make
     * and every row that cannot be applied; without, the reports of the preview named by basedOn,
     * in one transaction, only when the period's reports and the file are still those of the
     * preview and no row has a problem. Rows left blank or saying what the report says are skipped.
     */
    async uploadPeriodSheet(
      actor: Actor,
      planId: string,
      departmentId: string,
      periodKey: string,
      upload: Upload,
      query: SheetQuery,
    ): Promise<PeriodSheetOutcome> {
      const blocks = await readDocumentBlocks(upload, defaultImportLimits);
      // The sheet comes back as Excel wrote it: .xlsx, or .xls when saved in the 97–2003 format.
      if (blocks.format !== 'xlsx' && blocks.format !== 'xls')
        throw new AppError('periodSheet.unsupported_type');
      const fileHash = sha256(upload.bytes);
      const read = async (tx: Executor) => {
        const found = await periodScope(tx, actor, planId, departmentId, periodKey);
        const rows = readPeriodSheet(blocks, {
          department: found.department.name,
          periodKey: found.period.key,
          periodLabel: found.period.label,
        });
        const entries = await periodSheetInput(
          tx,
          found.plan.id,
          found.department.id,
          found.period,
          found.previous,
          found.measures,
        );
        return { ...found, entries, sheet: planPeriodSheet({ rows, measures: entries }) };
      };
      const outcome = (
        sheet: ReturnType<typeof planPeriodSheet>,
        period: ReportingPeriod,
        token: string,
        applied: boolean,
      ): PeriodSheetOutcome => ({
        applied,
        token,
        fileName: upload.fileName,
        period,
        rowsRead: sheet.rowsRead,
        blank: sheet.blank,
        unchanged: sheet.unchanged,
        changes: sheet.changes.map(({ evidenceIds: _e, basedOnVersion: _b, ...change }) => change),
        problems: sheet.problems,
      });
      if (query.dryRun) {
        const { sheet, period, entries } = await db.transaction(read);
        return outcome(sheet, period, `${periodFingerprint(entries)}.${fileHash}`, false);
      }
      return db.transaction(async (tx) => {
        const { plan, department, period, entries, sheet, measures } = await read(tx);
        const [seenReports, seenFile] = (query.basedOn ?? '.').split('.');
        if (seenFile !== fileHash) throw new AppError('sheet.not_previewed');
        if (seenReports !== periodFingerprint(entries)) throw new AppError('sheet.stale');
        if (sheet.problems.length > 0)
          throw new AppError('sheet.has_problems', {
            count: sheet.problems.length,
            rows: [...new Set(sheet.problems.map((problem) => problem.row))].join('、'),
          });
        const byId = new Map(measures.map((measure) => [measure.id, measure]));
        for (const change of sheet.changes) {
          await writeReport(
            tx,
            actor,
            plan.id,
            department.id,
            byId.get(change.measureId)!,
            period,
            {
              basedOnVersion: change.basedOnVersion,
              status: change.after.status,
              text: change.after.text,
              evidenceIds: [...change.evidenceIds],
            },
            { via: { via: 'sheet', fileName: upload.fileName } },
          );
        }
        await recordAudit(tx, clock, actor, {
          action: 'ledger.upload_period_sheet',
          entityType: 'plan',
          entityId: plan.id,
          after: {
            departmentId: department.id,
            periodKey: period.key,
            fileName: upload.fileName,
            reported: sheet.changes.length,
            unchanged: sheet.unchanged,
            blank: sheet.blank,
          },
        });
        const after = await periodSheetInput(tx, plan.id, department.id, period, null, measures);
        return outcome(sheet, period, `${periodFingerprint(after)}.${fileHash}`, true);
      });
    },

    /** The coordinating office's ledger: by department, item and period, filtered; and the department × period matrix. */
    overview: (actor: Actor, planId: string, query: LedgerQuery): Promise<LedgerOverview> =>
      // Each page of each filter is a view of its own: paging back and forth filters once per write.
      views.read(actor.organizationId, `ledger.page/${planId}/${JSON.stringify(query)}`, () =>
        ledgerPage(actor, planId, query),
      ),

    /** The filtered ledger as .xlsx, one row per measure × period, in the reader's language. */
    async exportXlsx(
      actor: Actor,
      planId: string,
      query: LedgerQuery,
      locale: Locale = 'zh-CN',
    ): Promise<{ fileName: string; body: Readable }> {
      const whole = await wholeLedger(actor, planId);
      const rows = applyFilters(whole.rows, query);
      const words = (key: MessageKey, params?: Record<string, string | number>) =>
        translate(locale, key, params);
      const filters = [
        query.departmentId
          ? words('export.ledger.filter.department', {
              name:
                whole.departments.find((department) => department.id === query.departmentId)
                  ?.name ?? '',
            })
          : null,
        query.itemNo ? words('export.ledger.filter.item', { no: query.itemNo }) : null,
        query.itemFrom || query.itemTo
          ? words('export.ledger.filter.items', {
              from: query.itemFrom ?? 1,
              to: query.itemTo ?? '',
            })
          : null,
        query.periodKey
          ? words('export.ledger.filter.period', { label: periodLabel(query.periodKey, locale) })
          : null,
        query.state
          ? words('export.ledger.filter.state', { state: words(`ledger.state.${query.state}`) })
          : null,
        query.status
          ? words('export.ledger.filter.status', {
              status: words(`progress.status.${query.status}`),
            })
          : null,
        query.search ? words('export.ledger.filter.search', { text: query.search }) : null,
      ].filter((filter) => filter !== null);
      const title = words('export.ledger.title', { standard: whole.standardTitle });
      // Streamed: a year's ledger (19,000 rows at S) starts downloading while it is written.
      const body = await streamDocument('ledgerXlsxStream', {
        locale,
        title,
        subtitle: words('export.ledger.subtitle', {
          time: localDateTime(clock.now()),
          count: rows.length,
          filters:
            filters.length > 0
              ? words('export.filters', { list: filters.join(words('export.listSeparator')) })
              : '',
        }),
        rows: await packRows(rows, LEDGER_FIELDS, (row) => ({
          department: row.department.name,
          itemNo: row.item.no,
          item: row.item.content,
          measure: row.measure.text,
          period: periodLabel(row.period.key, locale),
          dueOn: row.period.dueOn,
          state: words(`ledger.state.${row.state}`),
          status: row.report ? words(`progress.status.${row.report.status}`) : '',
          text: row.report?.text ?? '',
          evidence: (row.report?.evidence ?? [])
            .map((item) =>
              item.kind === 'link'
                ? words('export.linkEvidence', { title: item.title, url: item.url ?? '' })
                : item.title,
            )
            .join('\n'),
          late: words(row.state === 'late' || row.state === 'missing' ? 'export.yes' : 'export.no'),
          submittedBy: row.report?.submittedBy ?? '',
          submittedAt: row.report ? localDateTime(new Date(row.report.submittedAt)) : '',
          version: row.report ? String(row.report.version) : '',
        })),
      });
      await recordAudit(db, clock, actor, {
        action: 'export.ledger',
        entityType: 'plan',
        entityId: whole.plan.id,
        after: { rows: rows.length, query },
      });
      return { fileName: `${title}.xlsx`, body };
    },
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
