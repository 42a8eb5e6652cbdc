import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { departmentGroups, departments, type Department, type DepartmentGroup } from './department.table';

export type NewDepartment = typeof departments.$inferInsert;
export type NewDepartmentGroup = typeof departmentGroups.$inferInsert;

export async function listDepartments(executor: Executor, organizationId: string): Promise<Department[]> {
  return executor
    .select()
    .from(departments)
    .where(eq(departments.organizationId, organizationId))
    .orderBy(asc(departments.position), asc(departments.name));
}

export async function findDepartmentInOrganization(executor: Executor, organizationId: string, id: string): Promise<Department | undefined> {
  const [row] = await executor
    .select()
    .from(departments)
    .where(and(eq(departments.organizationId, organizationId), eq(departments.id, id)));
  return row;
}

export async function insertDepartments(executor: Executor, values: NewDepartment[]): Promise<Department[]> {
  if (values.length === 0) return [];
  return executor.insert(departments).values(values).returning();
}

/** Applies the change only if the row is still at `version`; undefined when it was not. */
export async function updateDepartmentAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<NewDepartment>,
): Promise<Department | undefined> {
  const [row] = await executor
    .update(departments)
    .set({ ...changes, version: sql`${departments.version} + 1` })
    .where(and(eq(departments.id, id), eq(departments.version, version)))
    .returning();
  return row;
}

export async function lockDepartmentsOfOrganization(executor: Executor, organizationId: string): Promise<void> {
  // Names and aliases must stay unique across rows, which no index can express: serialize writers.
  await executor.execute(sql`select pg_advisory_xact_lock(hashtext('departments:' || ${organizationId}))`);
}

export async function listDepartmentGroups(executor: Executor, organizationId: string): Promise<DepartmentGroup[]> {
  return executor
    .select()
    .from(departmentGroups)
    .where(eq(departmentGroups.organizationId, organizationId))
    .orderBy(asc(departmentGroups.kind), asc(departmentGroups.name));
}

export async function insertDepartmentGroups(executor: Executor, values: NewDepartmentGroup[]): Promise<DepartmentGroup[]> {
  if (values.length === 0) return [];
  return executor.insert(departmentGroups).values(values).returning();
}
