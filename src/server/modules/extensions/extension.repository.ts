import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { measures, submissions } from '../breakdowns/breakdown.table';
import { departments } from '../departments/department.table';
import { deliverables } from '../plans/plan.table';
import { items } from '../standards/standard.table';
import { extensionRequests, type ExtensionRequest } from './extension.table';

export async function insertExtensionRequest(
  executor: Executor,
  values: typeof extensionRequests.$inferInsert,
): Promise<ExtensionRequest> {
  const [row] = await executor.insert(extensionRequests).values(values).returning();
  return row!;
}

export async function findExtensionRequest(executor: Executor, planId: string, id: string) {
  const [row] = await executor
    .select()
    .from(extensionRequests)
    .where(and(eq(extensionRequests.planId, planId), eq(extensionRequests.id, id)))
    .for('update');
  return row;
}

export async function updateExtensionRequestAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof extensionRequests.$inferInsert>,
) {
  const [row] = await executor
    .update(extensionRequests)
    .set({ ...changes, version: version + 1 })
    .where(and(eq(extensionRequests.id, id), eq(extensionRequests.version, version)))
    .returning();
  return row;
}

/** The requests of a plan with what each is for (the measure's text and item, or the deliverable's title). */
export async function listExtensionRequests(
  executor: Executor,
  planId: string,
  filter: { status?: ExtensionRequest['status']; departmentId?: string; ids?: string[] } = {},
) {
  return executor
    .select({
      request: extensionRequests,
      departmentName: departments.name,
      measureText: measures.text,
      itemNo: items.no,
      deliverableTitle: deliverables.title,
    })
    .from(extensionRequests)
    .innerJoin(departments, eq(departments.id, extensionRequests.departmentId))
    .leftJoin(measures, eq(measures.id, extensionRequests.measureId))
    .leftJoin(items, eq(items.id, measures.itemId))
    .leftJoin(deliverables, eq(deliverables.id, extensionRequests.deliverableId))
    .where(
      and(
        eq(extensionRequests.planId, planId),
        filter.status ? eq(extensionRequests.status, filter.status) : undefined,
        filter.departmentId ? eq(extensionRequests.departmentId, filter.departmentId) : undefined,
        filter.ids ? inArray(extensionRequests.id, filter.ids) : undefined,
      ),
    )
    .orderBy(desc(extensionRequests.requestedAt));
}

export type ExtensionRow = Awaited<ReturnType<typeof listExtensionRequests>>[number];

/** A measure of the plan with its submission's state, for an extension request. */
export async function findMeasureWithSubmission(
  executor: Executor,
  planId: string,
  measureId: string,
) {
  const [row] = await executor
    .select({ measure: measures, status: submissions.status })
    .from(measures)
    .innerJoin(submissions, eq(submissions.id, measures.submissionId))
    .where(and(eq(measures.planId, planId), eq(measures.id, measureId)));
  return row;
}

/** A department's measures in a submitted or approved breakdown, with their item's number. */
export async function listExtendableMeasures(
  executor: Executor,
  planId: string,
  departmentId: string,
) {
  return executor
    .select({
      id: measures.id,
      itemNo: items.no,
      text: measures.text,
      deadlineKind: measures.deadlineKind,
      dueOn: measures.dueOn,
    })
    .from(measures)
    .innerJoin(submissions, eq(submissions.id, measures.submissionId))
    .innerJoin(items, eq(items.id, measures.itemId))
    .where(
      and(
        eq(measures.planId, planId),
        eq(measures.departmentId, departmentId),
        inArray(submissions.status, ['submitted', 'approved']),
      ),
    )
    .orderBy(items.no, measures.position);
}

/**
 * Deadlines of deliverables moved for one department by an approved request: deliverableId →
 * departmentId → the latest approved date.
 */
export async function approvedDeliverableExtensions(
  executor: Executor,
  planId: string,
): Promise<Map<string, Map<string, string>>> {
  const rows = await executor
    .select({
      deliverableId: extensionRequests.deliverableId,
      departmentId: extensionRequests.departmentId,
      dueOn: extensionRequests.requestedDueOn,
    })
    .from(extensionRequests)
    .where(
      and(
        eq(extensionRequests.planId, planId),
        eq(extensionRequests.target, 'deliverable'),
        eq(extensionRequests.status, 'approved'),
      ),
    )
    .orderBy(extensionRequests.decidedAt);
  const result = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (!row.deliverableId) continue;
    const byDepartment = result.get(row.deliverableId) ?? new Map<string, string>();
    byDepartment.set(row.departmentId, row.dueOn);
    result.set(row.deliverableId, byDepartment);
  }
  return result;
}
