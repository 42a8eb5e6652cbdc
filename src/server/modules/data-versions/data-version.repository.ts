import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { readTogether } from '../../db/read-together';
import { departmentDataVersions, organizationDataVersions } from './data-version.table';

/**
 * Which of a department's own records a view of it reads: all of them, or only its breakdown (its
 * measures and submission), whose version its progress reports and evidence leave as it is.
 */
export type DepartmentRecords = 'all' | 'breakdown';

/**
 * The version a view is kept under: for a view of the whole organization, its last write; for a
 * view of one department's own records, the last write of anything else (the shared version) and
 * of that department's own records (`records`: or of its breakdown only). '0' parts until the
 * first write.
 */
export async function readDataVersion(
  executor: Executor,
  organizationId: string,
  departmentId?: string,
  records: DepartmentRecords = 'all',
): Promise<string> {
  if (departmentId === undefined) {
    const [row] = await executor
      .select({ version: organizationDataVersions.version })
      .from(organizationDataVersions)
      .where(eq(organizationDataVersions.organizationId, organizationId));
    return String(row?.version ?? 0);
  }
  const [row] = await executor
    .select({
      shared: organizationDataVersions.sharedVersion,
      department:
        records === 'breakdown'
          ? departmentDataVersions.breakdownVersion
          : departmentDataVersions.version,
    })
    .from(organizationDataVersions)
    .leftJoin(
      departmentDataVersions,
      and(
        eq(departmentDataVersions.organizationId, organizationDataVersions.organizationId),
        eq(departmentDataVersions.departmentId, departmentId),
      ),
    )
    .where(eq(organizationDataVersions.organizationId, organizationId));
  return `${row?.shared ?? 0}/${row?.department ?? 0}`;
}

/** Every department's version of one organization (a department never written is absent), and the shared one. */
export async function readDepartmentVersions(
  executor: Executor,
  organizationId: string,
): Promise<{ shared: number; departments: Map<string, number> }> {
  const [shared, departments] = await readTogether(executor, [
    () =>
      executor
        .select({ version: organizationDataVersions.sharedVersion })
        .from(organizationDataVersions)
        .where(eq(organizationDataVersions.organizationId, organizationId)),
    () =>
      executor
        .select({
          departmentId: departmentDataVersions.departmentId,
          version: departmentDataVersions.version,
        })
        .from(departmentDataVersions)
        .where(eq(departmentDataVersions.organizationId, organizationId)),
  ]);
  return {
    shared: shared[0]?.version ?? 0,
    departments: new Map(departments.map((row) => [row.departmentId, row.version])),
  };
}
