import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { departmentGroups, departments } from '../departments/department.table';
import { standards } from '../standards/standard.table';
import { assignments, deliverables, phases, plans, type Plan } from './plan.table';

export async function listPlansWithStandard(executor: Executor, organizationId: string) {
  return executor
    .select({ plan: plans, standardTitle: standards.title })
    .from(plans)
    .innerJoin(standards, eq(standards.id, plans.standardId))
    .where(eq(plans.organizationId, organizationId))
    .orderBy(desc(plans.cycleYear), desc(plans.createdAt));
}

export async function findPlanWithStandard(
  executor: Executor,
  organizationId: string,
  planId: string,
) {
  const [row] = await executor
    .select({ plan: plans, standardTitle: standards.title, standardDepth: standards.depth })
    .from(plans)
    .innerJoin(standards, eq(standards.id, plans.standardId))
    .where(and(eq(plans.organizationId, organizationId), eq(plans.id, planId)));
  return row;
}

/**
 * The plan of the organization (with its standard's title and depth) and, beside it, the
 * organization's department of that id (null when there is none): a write's scope in one
 * statement instead of two. Undefined when the plan is not the organization's.
 */
export async function findPlanWithDepartment(
  executor: Executor,
  organizationId: string,
  planId: string,
  departmentId: string,
) {
  const [row] = await executor
    .select({
      plan: plans,
      standardTitle: standards.title,
      standardDepth: standards.depth,
      department: departments,
    })
    .from(plans)
    .innerJoin(standards, eq(standards.id, plans.standardId))
    .leftJoin(
      departments,
      and(eq(departments.organizationId, organizationId), eq(departments.id, departmentId)),
    )
    .where(and(eq(plans.organizationId, organizationId), eq(plans.id, planId)));
  return row;
}

export async function findPlanByFingerprint(
  executor: Executor,
  organizationId: string,
  fingerprint: string,
): Promise<Plan | undefined> {
  const [row] = await executor
    .select()
    .from(plans)
    .where(and(eq(plans.organizationId, organizationId), eq(plans.fingerprint, fingerprint)));
  return row;
}

export async function insertPlan(
  executor: Executor,
  values: typeof plans.$inferInsert,
): Promise<Plan> {
  const [row] = await executor.insert(plans).values(values).returning();
  if (!row) throw new Error('insert returned no plan');
  return row;
}

export async function insertPhases(executor: Executor, values: (typeof phases.$inferInsert)[]) {
  if (values.length === 0) return [];
  return executor.insert(phases).values(values).returning();
}

export async function insertDeliverables(
  executor: Executor,
  values: (typeof deliverables.$inferInsert)[],
) {
  if (values.length === 0) return [];
  return executor.insert(deliverables).values(values).returning();
}

export async function insertAssignments(
  executor: Executor,
  values: (typeof assignments.$inferInsert)[],
) {
  if (values.length === 0) return [];
  return executor.insert(assignments).values(values).returning();
}

export async function listPhases(executor: Executor, planId: string) {
  return executor
    .select()
    .from(phases)
    .where(eq(phases.planId, planId))
    .orderBy(asc(phases.position));
}

export async function listDeliverables(executor: Executor, planId: string) {
  return executor
    .select()
    .from(deliverables)
    .where(eq(deliverables.planId, planId))
    .orderBy(asc(deliverables.dueOn), asc(deliverables.title));
}

export async function countAssignments(executor: Executor, planId: string): Promise<number> {
  const [row] = await executor
    .select({ total: count() })
    .from(assignments)
    .where(eq(assignments.planId, planId));
  return row?.total ?? 0;
}

/** Assignments of a plan (or of one of its items) with the name of the department or group each points at. */
export async function listAssignmentsWithTargets(
  executor: Executor,
  planId: string,
  itemId?: string,
) {
  return executor
    .select({
      assignment: assignments,
      departmentName: departments.name,
      groupName: departmentGroups.name,
      groupKind: departmentGroups.kind,
    })
    .from(assignments)
    .leftJoin(departments, eq(departments.id, assignments.departmentId))
    .leftJoin(departmentGroups, eq(departmentGroups.id, assignments.groupId))
    .where(
      itemId === undefined
        ? eq(assignments.planId, planId)
        : and(eq(assignments.planId, planId), eq(assignments.itemId, itemId)),
    )
    .orderBy(asc(assignments.itemId), asc(assignments.position));
}

export type AssignmentWithTarget = Awaited<ReturnType<typeof listAssignmentsWithTargets>>[number];
