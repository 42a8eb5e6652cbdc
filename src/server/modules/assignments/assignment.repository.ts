import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { measures } from '../breakdowns/breakdown.table';
import { departmentGroups } from '../departments/department.table';
import { assignments, type Assignment } from '../plans/plan.table';

export async function lockAssignmentsOfPlan(executor: Executor, planId: string): Promise<void> {
  // Positions and the "no measure left without a duty" check read several rows: serialize writers of one plan.
  await executor.execute(sql`select pg_advisory_xact_lock(hashtext('assignments:' || ${planId}))`);
}

/** The assignments of some items of a plan with the group each goes through, as `dutiesOf` reads them. */
export async function listItemTargets(
  executor: Executor,
  planId: string,
  itemIds: readonly string[],
) {
  if (itemIds.length === 0) return [];
  return executor
    .select({
      id: assignments.id,
      itemId: assignments.itemId,
      departmentId: assignments.departmentId,
      groupId: assignments.groupId,
      role: assignments.role,
      position: assignments.position,
      groupName: departmentGroups.name,
      groupKind: departmentGroups.kind,
      selectsKind: departmentGroups.selectsKind,
    })
    .from(assignments)
    .leftJoin(departmentGroups, eq(departmentGroups.id, assignments.groupId))
    .where(and(eq(assignments.planId, planId), inArray(assignments.itemId, [...itemIds])))
    .orderBy(asc(assignments.itemId), asc(assignments.position));
}

export type ItemTarget = Awaited<ReturnType<typeof listItemTargets>>[number];

export async function listItemIdsOfGroup(
  executor: Executor,
  planId: string,
  groupId: string,
): Promise<string[]> {
  const rows = await executor
    .select({ itemId: assignments.itemId })
    .from(assignments)
    .where(and(eq(assignments.planId, planId), eq(assignments.groupId, groupId)));
  return rows.map((row) => row.itemId);
}

export async function nextAssignmentPosition(
  executor: Executor,
  planId: string,
  itemId: string,
): Promise<number> {
  const [row] = await executor
    .select({ last: max(assignments.position) })
    .from(assignments)
    .where(and(eq(assignments.planId, planId), eq(assignments.itemId, itemId)));
  return (row?.last ?? -1) + 1;
}

export async function insertAssignment(
  executor: Executor,
  values: typeof assignments.$inferInsert,
): Promise<Assignment> {
  const [row] = await executor.insert(assignments).values(values).returning();
  if (!row) throw new Error('insert returned no assignment');
  return row;
}

export async function updateAssignmentRole(
  executor: Executor,
  id: string,
  role: Assignment['role'],
): Promise<Assignment> {
  const [row] = await executor
    .update(assignments)
    .set({ role })
    .where(eq(assignments.id, id))
    .returning();
  if (!row) throw new Error('update matched no assignment');
  return row;
}

export async function deleteAssignment(executor: Executor, id: string): Promise<void> {
  await executor.delete(assignments).where(eq(assignments.id, id));
}

/** How many measures each department has written for each of these items. */
export async function countMeasuresByDepartmentAndItem(
  executor: Executor,
  planId: string,
  itemIds: readonly string[],
) {
  if (itemIds.length === 0) return [];
  return executor
    .select({
      departmentId: measures.departmentId,
      itemId: measures.itemId,
      count: sql<number>`count(*)::int`,
    })
    .from(measures)
    .where(and(eq(measures.planId, planId), inArray(measures.itemId, [...itemIds])))
    .groupBy(measures.departmentId, measures.itemId);
}
