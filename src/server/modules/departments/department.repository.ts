import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { submissions } from '../breakdowns/breakdown.table';
import { findings } from '../findings/finding.table';
import { assignments, plans } from '../plans/plan.table';
import { users } from '../users/user.table';
import {
  departmentGroups,
  departments,
  type Department,
  type DepartmentGroup,
} from './department.table';

export type NewDepartment = typeof departments.$inferInsert;
export type NewDepartmentGroup = typeof departmentGroups.$inferInsert;

export async function listDepartments(
  executor: Executor,
  organizationId: string,
): Promise<Department[]> {
  return executor
    .select()
    .from(departments)
    .where(eq(departments.organizationId, organizationId))
    .orderBy(asc(departments.position), asc(departments.name));
}

export async function findDepartmentInOrganization(
  executor: Executor,
  organizationId: string,
  id: string,
): Promise<Department | undefined> {
  const [row] = await executor
    .select()
    .from(departments)
    .where(and(eq(departments.organizationId, organizationId), eq(departments.id, id)));
  return row;
}

export async function insertDepartments(
  executor: Executor,
  values: NewDepartment[],
): Promise<Department[]> {
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

export async function lockDepartmentsOfOrganization(
  executor: Executor,
  organizationId: string,
): Promise<void> {
  // Names and aliases must stay unique across rows, which no index can express: serialize writers.
  await executor.execute(
    sql`select pg_advisory_xact_lock(hashtext('departments:' || ${organizationId}))`,
  );
}

export async function listDepartmentGroups(
  executor: Executor,
  organizationId: string,
): Promise<DepartmentGroup[]> {
  return executor
    .select()
    .from(departmentGroups)
    .where(eq(departmentGroups.organizationId, organizationId))
    .orderBy(asc(departmentGroups.kind), asc(departmentGroups.name));
}

export async function insertDepartmentGroups(
  executor: Executor,
  values: NewDepartmentGroup[],
): Promise<DepartmentGroup[]> {
  if (values.length === 0) return [];
  return executor.insert(departmentGroups).values(values).returning();
}

/** Everything that points at a department, counted: what stands in the way of deleting it. */
export async function countDepartmentReferences(executor: Executor, departmentId: string) {
  const [row] = await executor
    .select({
      assignments: sql<number>`(select count(*)::int from ${assignments} where ${assignments.departmentId} = ${departmentId})`,
      users: sql<number>`(select count(*)::int from ${users} where ${users.departmentId} = ${departmentId})`,
      submissions: sql<number>`(select count(*)::int from ${submissions} where ${submissions.departmentId} = ${departmentId})`,
    })
    .from(sql`(select 1) as one`);
  return row ?? { assignments: 0, users: 0, submissions: 0 };
}

export async function deleteDepartment(executor: Executor, id: string): Promise<void> {
  await executor.delete(departments).where(eq(departments.id, id));
}

/** Plans in which both departments have a task breakdown: a merge would have to mix them. */
export async function listPlansWithBothSubmissions(
  executor: Executor,
  departmentId: string,
  otherId: string,
): Promise<string[]> {
  const rows = await executor
    .select({ title: plans.title })
    .from(submissions)
    .innerJoin(plans, eq(plans.id, submissions.planId))
    .where(
      and(
        eq(submissions.departmentId, departmentId),
        sql`exists (select 1 from ${submissions} other where other.plan_id = ${submissions.planId} and other.department_id = ${otherId})`,
      ),
    );
  return rows.map((row) => row.title);
}

/**
 * Moves everything of `fromId` to `intoId`: assignments (one per item, the stronger role kept),
 * then every row of any table whose foreign key names the department, and the departments a
 * finding concerns. A record both already have once each (a plan's summary) violates its unique
 * index, and the caller refuses the merge.
 */
export async function moveDepartmentRecords(
  executor: Executor,
  fromId: string,
  intoId: string,
): Promise<void> {
  await executor.execute(sql`
    update ${assignments} kept set role = 'lead'
    from ${assignments} moved
    where moved.department_id = ${fromId} and kept.department_id = ${intoId}
      and kept.plan_id = moved.plan_id and kept.item_id = moved.item_id and moved.role = 'lead'`);
  await executor.execute(sql`
    delete from ${assignments} moved
    using ${assignments} kept
    where moved.department_id = ${fromId} and kept.department_id = ${intoId}
      and kept.plan_id = moved.plan_id and kept.item_id = moved.item_id`);
  await executor
    .update(assignments)
    .set({ departmentId: intoId })
    .where(eq(assignments.departmentId, fromId));
  // Every other record that names a department, found from the foreign keys themselves, so that
  // a feature added later is merged too instead of blocking the merge.
  const references = await executor.execute<{ table_name: string; column_name: string }>(sql`
    select c.conrelid::regclass::text as table_name, a.attname as column_name
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = 'departments'::regclass and c.conrelid <> 'assignments'::regclass`);
  for (const { table_name: table, column_name: column } of references.rows) {
    await executor.execute(
      sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${intoId} where ${sql.identifier(column)} = ${fromId}`,
    );
  }
  await executor
    .update(findings)
    .set({
      departmentIds: sql`array_replace(${findings.departmentIds}, ${fromId}::uuid, ${intoId}::uuid)`,
    })
    .where(sql`${fromId}::uuid = any(${findings.departmentIds})`);
}
