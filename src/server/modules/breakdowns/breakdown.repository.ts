import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client';
import { departmentGroups } from '../departments/department.table';
import { assignments } from '../plans/plan.table';
import {
  measures,
  submissionEvents,
  submissions,
  type Measure,
  type Submission,
} from './breakdown.table';

export async function findSubmission(
  executor: Executor,
  planId: string,
  departmentId: string,
): Promise<Submission | undefined> {
  const [row] = await executor
    .select()
    .from(submissions)
    .where(and(eq(submissions.planId, planId), eq(submissions.departmentId, departmentId)));
  return row;
}

/** The department's submission, created as a draft on first use, locked for the rest of the transaction. */
export async function lockSubmission(
  executor: Executor,
  values: { organizationId: string; planId: string; departmentId: string; now: Date },
): Promise<Submission> {
  const lock = () =>
    executor
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.planId, values.planId),
          eq(submissions.departmentId, values.departmentId),
        ),
      )
      .for('update');
  // Most writes find the submission there already: one statement; the insert only for the first.
  const [existing] = await lock();
  if (existing) return existing;
  await executor
    .insert(submissions)
    .values({
      organizationId: values.organizationId,
      planId: values.planId,
      departmentId: values.departmentId,
      createdAt: values.now,
      updatedAt: values.now,
    })
    .onConflictDoNothing({ target: [submissions.planId, submissions.departmentId] });
  const [row] = await lock();
  if (!row) throw new Error('submission vanished');
  return row;
}

export async function updateSubmission(
  executor: Executor,
  id: string,
  changes: Partial<typeof submissions.$inferInsert>,
): Promise<Submission> {
  const [row] = await executor
    .update(submissions)
    .set({ ...changes, version: sql`${submissions.version} + 1` })
    .where(eq(submissions.id, id))
    .returning();
  if (!row) throw new Error('update matched no submission');
  return row;
}

export async function listSubmissionsOfPlan(
  executor: Executor,
  planId: string,
): Promise<Submission[]> {
  return executor.select().from(submissions).where(eq(submissions.planId, planId));
}

export async function listMeasures(executor: Executor, submissionId: string): Promise<Measure[]> {
  return executor
    .select()
    .from(measures)
    .where(eq(measures.submissionId, submissionId))
    .orderBy(asc(measures.itemId), asc(measures.position), asc(measures.createdAt));
}

export async function findMeasure(
  executor: Executor,
  submissionId: string,
  measureId: string,
): Promise<Measure | undefined> {
  const [row] = await executor
    .select()
    .from(measures)
    .where(and(eq(measures.submissionId, submissionId), eq(measures.id, measureId)));
  return row;
}

export async function insertMeasure(
  executor: Executor,
  values: typeof measures.$inferInsert,
): Promise<Measure> {
  const [row] = await executor.insert(measures).values(values).returning();
  if (!row) throw new Error('insert returned no measure');
  return row;
}

/** Applies the change only at `version`; undefined when someone else changed it first. */
export async function updateMeasureAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof measures.$inferInsert>,
): Promise<Measure | undefined> {
  const [row] = await executor
    .update(measures)
    .set({ ...changes, version: sql`${measures.version} + 1` })
    .where(and(eq(measures.id, id), eq(measures.version, version)))
    .returning();
  return row;
}

/**
 * The measure of the submission changed only at `version`, in one statement that also answers the
 * row as it was (joined to itself: the joined row is read as it stood before the update), for the
 * audit's before; undefined when there is no such measure or someone else changed it first.
 */
export async function updateMeasureOfSubmissionAtVersion(
  executor: Executor,
  submissionId: string,
  id: string,
  version: number,
  changes: Partial<typeof measures.$inferInsert>,
): Promise<{ before: Measure; after: Measure } | undefined> {
  const old = alias(measures, 'measure_before');
  const afterColumns = getTableColumns(measures);
  const beforeColumns = getTableColumns(old);
  const fields = {
    ...afterColumns,
    ...Object.fromEntries(
      Object.entries(beforeColumns).map(([key, column]) => [`before_${key}`, column]),
    ),
  } as typeof afterColumns;
  const [row] = await executor
    .update(measures)
    .set({ ...changes, version: sql`${measures.version} + 1` })
    .from(old)
    .where(
      and(
        eq(old.id, measures.id),
        eq(measures.id, id),
        eq(measures.submissionId, submissionId),
        eq(measures.version, version),
      ),
    )
    .returning(fields);
  if (!row) return undefined;
  const all = row as Record<string, unknown>;
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.keys(afterColumns).map((key) => [key, all[`${prefix}${key}`]]),
    ) as Measure;
  return { before: pick('before_'), after: pick('') };
}

export async function deleteMeasureAtVersion(
  executor: Executor,
  id: string,
  version: number,
): Promise<boolean> {
  const deleted = await executor
    .delete(measures)
    .where(and(eq(measures.id, id), eq(measures.version, version)))
    .returning({ id: measures.id });
  return deleted.length > 0;
}

export async function listMeasuresOfPlan(executor: Executor, planId: string): Promise<Measure[]> {
  return executor
    .select()
    .from(measures)
    .where(eq(measures.planId, planId))
    .orderBy(asc(measures.itemId), asc(measures.departmentId), asc(measures.position));
}

/**
 * Every measure of a plan as the quality report counts it: which item and department, nothing of
 * its text (a year's 2,500 measures' texts are most of what listMeasuresOfPlan sends).
 */
export async function listMeasureRefsOfPlan(
  executor: Executor,
  planId: string,
): Promise<Pick<Measure, 'id' | 'itemId' | 'departmentId'>[]> {
  return executor
    .select({ id: measures.id, itemId: measures.itemId, departmentId: measures.departmentId })
    .from(measures)
    .where(eq(measures.planId, planId))
    .orderBy(asc(measures.itemId), asc(measures.departmentId), asc(measures.position));
}

/** (department, item) pairs that have at least one measure, for the board. */
export async function countMeasuredItems(executor: Executor, planId: string) {
  return executor
    .select({
      departmentId: measures.departmentId,
      items: sql<number>`count(distinct ${measures.itemId})::int`,
    })
    .from(measures)
    .where(eq(measures.planId, planId))
    .groupBy(measures.departmentId);
}

/** The (department, item) pairs of a plan that have at least one measure. */
export async function listMeasuredDuties(executor: Executor, planId: string) {
  return executor
    .selectDistinct({ departmentId: measures.departmentId, itemId: measures.itemId })
    .from(measures)
    .where(eq(measures.planId, planId));
}

export async function insertSubmissionEvent(
  executor: Executor,
  values: typeof submissionEvents.$inferInsert,
): Promise<void> {
  await executor.insert(submissionEvents).values(values);
}

export async function listSubmissionEvents(executor: Executor, submissionId: string) {
  return executor
    .select()
    .from(submissionEvents)
    .where(eq(submissionEvents.submissionId, submissionId))
    .orderBy(asc(submissionEvents.at));
}

/** Every assignment of a plan with the group it goes through, if any. */
export async function listPlanAssignmentTargets(executor: Executor, planId: string) {
  return executor
    .select({
      itemId: assignments.itemId,
      departmentId: assignments.departmentId,
      role: assignments.role,
      groupName: departmentGroups.name,
      groupKind: departmentGroups.kind,
      selectsKind: departmentGroups.selectsKind,
    })
    .from(assignments)
    .leftJoin(departmentGroups, eq(departmentGroups.id, assignments.groupId))
    .where(eq(assignments.planId, planId))
    .orderBy(asc(assignments.itemId), asc(assignments.position));
}
