import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { sharedInPass } from '../../db/read-once';
import { readTogether } from '../../db/read-together';
import { measures, submissions } from '../breakdowns/breakdown.table';
import { departments } from '../departments/department.table';
import { plans } from '../plans/plan.table';
import { items } from '../standards/standard.table';
import {
  ledgerSettings,
  progressReports,
  type LedgerSettingsRow,
  type ProgressReport,
} from './ledger.table';

export async function findLedgerSettings(
  executor: Executor,
  planId: string,
): Promise<LedgerSettingsRow | undefined> {
  const [row] = await executor
    .select()
    .from(ledgerSettings)
    .where(eq(ledgerSettings.planId, planId));
  return row;
}

/**
 * What a department's report is checked against before its measure: the plan's ledger settings
 * (undefined before the office sets them) and the status of the department's task breakdown
 * (null before it has one), in one statement.
 */
export async function findReportingScope(
  executor: Executor,
  planId: string,
  departmentId: string,
): Promise<{
  settings: LedgerSettingsRow | undefined;
  breakdownStatus: (typeof submissions.$inferSelect)['status'] | null;
}> {
  const [row] = await executor
    .select({ settings: ledgerSettings, breakdownStatus: submissions.status })
    .from(plans)
    .leftJoin(ledgerSettings, eq(ledgerSettings.planId, plans.id))
    .leftJoin(
      submissions,
      and(eq(submissions.planId, plans.id), eq(submissions.departmentId, departmentId)),
    )
    .where(eq(plans.id, planId));
  return { settings: row?.settings ?? undefined, breakdownStatus: row?.breakdownStatus ?? null };
}

export async function insertLedgerSettings(
  executor: Executor,
  values: typeof ledgerSettings.$inferInsert,
): Promise<LedgerSettingsRow | undefined> {
  const [row] = await executor
    .insert(ledgerSettings)
    .values(values)
    .onConflictDoNothing({ target: ledgerSettings.planId })
    .returning();
  return row;
}

/** Applies the change only at `version`; undefined when someone else changed the settings first. */
export async function updateLedgerSettingsAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof ledgerSettings.$inferInsert>,
): Promise<LedgerSettingsRow | undefined> {
  const [row] = await executor
    .update(ledgerSettings)
    .set({ ...changes, version: sql`${ledgerSettings.version} + 1` })
    .where(and(eq(ledgerSettings.id, id), eq(ledgerSettings.version, version)))
    .returning();
  return row;
}

/** A measure of an approved task breakdown, with its item and department, as the ledger lists it. */
export interface LedgerMeasure {
  id: string;
  departmentId: string;
  departmentName: string;
  departmentPosition: number;
  itemId: string;
  itemNo: number;
  itemContent: string;
  text: string;
  deadlineKind: (typeof measures.$inferSelect)['deadlineKind'];
  dueOn: string;
  position: number;
}

/** No condition for none given; one department, or any of several. */
function ofDepartments(
  column: typeof measures.departmentId | typeof progressReports.departmentId,
  given?: string | readonly string[],
) {
  if (given === undefined) return undefined;
  return typeof given === 'string' ? eq(column, given) : inArray(column, [...given]);
}

/** The measures of the plan's approved breakdowns (of the departments given, if any), by department, item and position. */
export async function listApprovedMeasures(
  executor: Executor,
  planId: string,
  departmentId?: string | readonly string[],
): Promise<LedgerMeasure[]> {
  // The whole plan's, in a snapshot's pass: four of its readers ask for them.
  if (departmentId === undefined)
    return sharedInPass(executor, `approvedMeasures:${planId}`, () =>
      selectWholePlanMeasures(executor, planId),
    );
  // A department's few measures: their items' texts joined, in one statement.
  return approvedMeasuresQuery(
    executor,
    { ...APPROVED_MEASURE_COLUMNS, itemContent: items.content },
    planId,
    departmentId,
  );
}

async function selectWholePlanMeasures(
  executor: Executor,
  planId: string,
): Promise<LedgerMeasure[]> {
  // The items' texts apart, once each: joined, an item's text came again with each of its
  // measures, sent, decoded and kept 2,400 times for a plan's 60 items.
  const [rows, texts] = await readTogether(executor, [
    () => approvedMeasuresQuery(executor, APPROVED_MEASURE_COLUMNS, planId),
    () =>
      executor
        .select({ id: items.id, content: items.content })
        .from(items)
        .where(
          inArray(
            items.id,
            executor
              .selectDistinct({ id: measures.itemId })
              .from(measures)
              .where(eq(measures.planId, planId)),
          ),
        ),
  ]);
  const contentOf = new Map(texts.map((item) => [item.id, item.content]));
  return rows.map((row) => ({ ...row, itemContent: contentOf.get(row.itemId) ?? '' }));
}

const APPROVED_MEASURE_COLUMNS = {
  id: measures.id,
  departmentId: measures.departmentId,
  departmentName: departments.name,
  departmentPosition: departments.position,
  itemId: measures.itemId,
  itemNo: items.no,
  text: measures.text,
  deadlineKind: measures.deadlineKind,
  dueOn: measures.dueOn,
  position: measures.position,
};

/** The approved breakdowns' measures of the plan (of the departments given; the one measure given). */
function approvedMeasuresWhere(
  planId: string,
  departmentId?: string | readonly string[],
  measureId?: string,
) {
  return and(
    eq(measures.planId, planId),
    eq(submissions.status, 'approved'),
    ofDepartments(measures.departmentId, departmentId),
    measureId === undefined ? undefined : eq(measures.id, measureId),
    // An item the plan retired (停用) asks for no more reports.
    sql`not exists (select 1 from retired_items r where r.plan_id = ${measures.planId} and r.item_id = ${measures.itemId})`,
  );
}

/**
 * One approved measure of the department, locked (FOR UPDATE of the measure's row) so that its
 * reports' versions follow one another: a report's read of its measure and its lock in one
 * statement (its one item's text joined). Undefined when it is not one of the department's
 * approved measures.
 */
export async function lockApprovedMeasure(
  executor: Executor,
  planId: string,
  departmentId: string,
  measureId: string,
): Promise<LedgerMeasure | undefined> {
  const [row] = await executor
    .select({ ...APPROVED_MEASURE_COLUMNS, itemContent: items.content })
    .from(measures)
    .innerJoin(submissions, eq(submissions.id, measures.submissionId))
    .innerJoin(items, eq(items.id, measures.itemId))
    .innerJoin(departments, eq(departments.id, measures.departmentId))
    .where(approvedMeasuresWhere(planId, departmentId, measureId))
    .for('update', { of: measures });
  return row;
}

/** The approved measures' rows with `fields` (the columns, with or without their items' texts). */
function approvedMeasuresQuery(
  executor: Executor,
  fields: typeof APPROVED_MEASURE_COLUMNS,
  planId: string,
  departmentId?: string | readonly string[],
): Promise<Omit<LedgerMeasure, 'itemContent'>[]>;
function approvedMeasuresQuery(
  executor: Executor,
  fields: typeof APPROVED_MEASURE_COLUMNS & { itemContent: typeof items.content },
  planId: string,
  departmentId?: string | readonly string[],
): Promise<LedgerMeasure[]>;
async function approvedMeasuresQuery(
  executor: Executor,
  fields: typeof APPROVED_MEASURE_COLUMNS,
  planId: string,
  departmentId?: string | readonly string[],
): Promise<unknown[]> {
  return executor
    .select(fields)
    .from(measures)
    .innerJoin(submissions, eq(submissions.id, measures.submissionId))
    .innerJoin(items, eq(items.id, measures.itemId))
    .innerJoin(departments, eq(departments.id, measures.departmentId))
    .where(approvedMeasuresWhere(planId, departmentId))
    .orderBy(
      asc(departments.position),
      asc(departments.name),
      asc(items.no),
      asc(measures.position),
    );
}

/**
 * Every version of every report of the plan (of the departments given, if any), oldest first.
 * Not shared in a snapshot's pass: its readers want the facts alone (`listProgressReportFacts`).
 */
export async function listProgressReports(
  executor: Executor,
  planId: string,
  departmentId?: string | readonly string[],
): Promise<ProgressReport[]> {
  return executor
    .select()
    .from(progressReports)
    .where(reportsOfPlan(planId, departmentId))
    .orderBy(...reportOrder);
}

/** A plan's reports (of the departments given, if any). */
const reportsOfPlan = (planId: string, departmentId?: string | readonly string[]) =>
  and(
    eq(progressReports.planId, planId),
    ofDepartments(progressReports.departmentId, departmentId),
  );
/** By measure, period and version: each cell's versions together, oldest first. */
const reportOrder = [
  asc(progressReports.measureId),
  asc(progressReports.periodKey),
  asc(progressReports.version),
];

/** What lateness and the counts read of a progress report: neither its text nor its evidence. */
const progressReportFactColumns = {
  organizationId: progressReports.organizationId,
  departmentId: progressReports.departmentId,
  measureId: progressReports.measureId,
  periodKey: progressReports.periodKey,
  version: progressReports.version,
  status: progressReports.status,
  late: progressReports.late,
  submittedAt: progressReports.submittedAt,
};
export type ProgressReportFacts = Pick<ProgressReport, keyof typeof progressReportFactColumns>;

/**
 * The plan's progress reports without their texts, in the order of `listProgressReports`: what
 * the late lists and a snapshot's counts read (the texts are most of a report's bytes).
 */
export async function listProgressReportFacts(
  executor: Executor,
  planId: string,
  departmentId?: string,
): Promise<ProgressReportFacts[]> {
  const select = () =>
    executor
      .select(progressReportFactColumns)
      .from(progressReports)
      .where(reportsOfPlan(planId, departmentId))
      .orderBy(...reportOrder);
  // The whole plan's, in a snapshot's pass: three of its readers ask for them.
  if (departmentId === undefined)
    return sharedInPass(executor, `progressReportFacts:${planId}`, select);
  return select();
}

/** The distinct periods that have reports in a plan, to keep settings from dropping them. */
export async function listReportedPeriodKeys(
  executor: Executor,
  planId: string,
): Promise<string[]> {
  const rows = await executor
    .selectDistinct({ periodKey: progressReports.periodKey })
    .from(progressReports)
    .where(eq(progressReports.planId, planId));
  return rows.map((row) => row.periodKey);
}

/** Locks the measure for the rest of the transaction, so that two reports on it are numbered one after the other. */
export async function lockMeasure(executor: Executor, measureId: string): Promise<void> {
  await executor
    .select({ id: measures.id })
    .from(measures)
    .where(eq(measures.id, measureId))
    .for('update');
}

/**
 * The latest version of one measure's report for one period (undefined before the first): a
 * correction names it, and only it. Read by the unique index (measure, period, version)
 * backwards: one row however many corrections the cell has had.
 */
export async function findLatestVersion(
  executor: Executor,
  measureId: string,
  periodKey: string,
): Promise<ProgressReport | undefined> {
  const [row] = await executor
    .select()
    .from(progressReports)
    .where(and(eq(progressReports.measureId, measureId), eq(progressReports.periodKey, periodKey)))
    .orderBy(desc(progressReports.version))
    .limit(1);
  return row;
}

export async function insertProgressReport(
  executor: Executor,
  values: typeof progressReports.$inferInsert,
): Promise<ProgressReport> {
  const [row] = await executor.insert(progressReports).values(values).returning();
  if (!row) throw new Error('insert returned no report');
  return row;
}
