import { and, arrayContains, asc, count, desc, eq, max, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { measures } from '../breakdowns/breakdown.table';
import { departments } from '../departments/department.table';
import { findings } from '../findings/finding.table';
import { progressReports } from '../ledger/ledger.table';
import { obligations } from '../obligations/obligation.table';
import { indicators, items } from '../standards/standard.table';
import { deliverables, phases, plans } from './plan.table';
import { planRevisions, retiredItems } from './plan-revision.table';

/** The plan row locked for this transaction: plan edits are numbered one after another. */
export async function lockPlan(executor: Executor, planId: string) {
  await executor.select({ id: plans.id }).from(plans).where(eq(plans.id, planId)).for('update');
}

export async function nextRevision(executor: Executor, planId: string): Promise<number> {
  const [row] = await executor
    .select({ latest: max(planRevisions.revision) })
    .from(planRevisions)
    .where(eq(planRevisions.planId, planId));
  return (row?.latest ?? 0) + 1;
}

export async function insertPlanRevision(
  executor: Executor,
  values: typeof planRevisions.$inferInsert,
) {
  await executor.insert(planRevisions).values(values);
}

export async function listPlanRevisions(executor: Executor, planId: string) {
  return executor
    .select()
    .from(planRevisions)
    .where(eq(planRevisions.planId, planId))
    .orderBy(desc(planRevisions.revision));
}

export async function findPhase(executor: Executor, planId: string, phaseId: string) {
  const [row] = await executor
    .select()
    .from(phases)
    .where(and(eq(phases.planId, planId), eq(phases.id, phaseId)));
  return row;
}

export async function updatePhaseRow(
  executor: Executor,
  phaseId: string,
  changes: Partial<typeof phases.$inferInsert>,
) {
  const [row] = await executor
    .update(phases)
    .set(changes)
    .where(eq(phases.id, phaseId))
    .returning();
  return row!;
}

export async function findDeliverable(executor: Executor, planId: string, deliverableId: string) {
  const [row] = await executor
    .select()
    .from(deliverables)
    .where(and(eq(deliverables.planId, planId), eq(deliverables.id, deliverableId)));
  return row;
}

export async function updateDeliverableRow(
  executor: Executor,
  deliverableId: string,
  changes: Partial<typeof deliverables.$inferInsert>,
) {
  const [row] = await executor
    .update(deliverables)
    .set(changes)
    .where(eq(deliverables.id, deliverableId))
    .returning();
  return row!;
}

export async function findItemOfStandard(executor: Executor, standardId: string, itemId: string) {
  const [row] = await executor
    .select()
    .from(items)
    .where(and(eq(items.standardId, standardId), eq(items.id, itemId)));
  return row;
}

export async function findLevel2Indicator(
  executor: Executor,
  standardId: string,
  indicatorId: string,
) {
  const [row] = await executor
    .select()
    .from(indicators)
    .where(
      and(
        eq(indicators.standardId, standardId),
        eq(indicators.id, indicatorId),
        eq(indicators.depth, 2),
      ),
    );
  return row;
}

export async function nextItemNo(executor: Executor, standardId: string): Promise<number> {
  const [row] = await executor
    .select({ latest: max(items.no) })
    .from(items)
    .where(eq(items.standardId, standardId));
  return (row?.latest ?? 0) + 1;
}

export async function insertItemRow(executor: Executor, values: typeof items.$inferInsert) {
  const [row] = await executor.insert(items).values(values).returning();
  return row!;
}

export async function updateItemRow(
  executor: Executor,
  itemId: string,
  changes: Partial<typeof items.$inferInsert>,
) {
  const [row] = await executor.update(items).set(changes).where(eq(items.id, itemId)).returning();
  return row!;
}

export async function listRetiredItems(executor: Executor, planId: string) {
  return executor
    .select()
    .from(retiredItems)
    .where(eq(retiredItems.planId, planId))
    .orderBy(asc(retiredItems.retiredAt));
}

export async function findRetiredItem(executor: Executor, planId: string, itemId: string) {
  const [row] = await executor
    .select()
    .from(retiredItems)
    .where(and(eq(retiredItems.planId, planId), eq(retiredItems.itemId, itemId)));
  return row;
}

export async function insertRetiredItems(
  executor: Executor,
  values: (typeof retiredItems.$inferInsert)[],
) {
  if (values.length === 0) return;
  await executor.insert(retiredItems).values(values).onConflictDoNothing();
}

/** Plans of the organization other than `planId` that use the same standard version. */
export async function listOtherPlansOfStandard(
  executor: Executor,
  organizationId: string,
  standardId: string,
  planId: string,
) {
  return executor
    .select({ id: plans.id })
    .from(plans)
    .where(
      and(
        eq(plans.organizationId, organizationId),
        eq(plans.standardId, standardId),
        sql`${plans.id} <> ${planId}`,
      ),
    );
}

/** The measures made for an item in a plan, with their department's name. */
export async function listMeasuresOfItem(executor: Executor, planId: string, itemId: string) {
  return executor
    .select({
      id: measures.id,
      text: measures.text,
      dueOn: measures.dueOn,
      departmentName: departments.name,
    })
    .from(measures)
    .innerJoin(departments, eq(departments.id, measures.departmentId))
    .where(and(eq(measures.planId, planId), eq(measures.itemId, itemId)))
    .orderBy(asc(departments.position), asc(measures.position));
}

export async function countProgressReportsOfItem(
  executor: Executor,
  planId: string,
  itemId: string,
): Promise<number> {
  const [row] = await executor
    .select({ total: count() })
    .from(progressReports)
    .innerJoin(measures, eq(measures.id, progressReports.measureId))
    .where(and(eq(measures.planId, planId), eq(measures.itemId, itemId)));
  return row?.total ?? 0;
}

export async function listFindingsOfItem(executor: Executor, planId: string, itemId: string) {
  return executor
    .select({ id: findings.id, no: findings.no, title: findings.title })
    .from(findings)
    .where(and(eq(findings.planId, planId), arrayContains(findings.itemIds, [itemId])))
    .orderBy(asc(findings.no));
}

export async function countObligationsOfItem(
  executor: Executor,
  planId: string,
  itemId: string,
): Promise<number> {
  const [row] = await executor
    .select({ total: count() })
    .from(obligations)
    .where(and(eq(obligations.planId, planId), eq(obligations.itemId, itemId)));
  return row?.total ?? 0;
}
