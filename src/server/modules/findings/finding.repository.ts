import { and, asc, eq, inArray, lt, max, sql } from 'drizzle-orm';
import { openFindingStates } from '../../../shared/findings/finding-states';
import type { Executor } from '../../db/client';
import { departments } from '../departments/department.table';
import { findingEvents, findings, rectificationActions, type Finding } from './finding.table';

/** One writer at a time numbers a plan's findings and rolls the plan forward. */
export async function lockFindingsOfPlan(executor: Executor, planId: string): Promise<void> {
  await executor.execute(sql`select pg_advisory_xact_lock(hashtext('findings:' || ${planId}))`);
}

export async function nextFindingNo(executor: Executor, planId: string): Promise<number> {
  const [row] = await executor
    .select({ latest: max(findings.no) })
    .from(findings)
    .where(eq(findings.planId, planId));
  return (row?.latest ?? 0) + 1;
}

export async function listFindingsOfPlan(
  executor: Executor,
  organizationId: string,
  planId: string,
  options: { lock?: boolean } = {},
): Promise<Finding[]> {
  const query = executor
    .select()
    .from(findings)
    .where(and(eq(findings.organizationId, organizationId), eq(findings.planId, planId)))
    .orderBy(asc(findings.no));
  return options.lock ? query.for('update') : query;
}

export async function findFinding(
  executor: Executor,
  organizationId: string,
  planId: string,
  findingId: string,
  options: { lock?: boolean } = {},
): Promise<Finding | undefined> {
  const query = executor
    .select()
    .from(findings)
    .where(
      and(
        eq(findings.organizationId, organizationId),
        eq(findings.planId, planId),
        eq(findings.id, findingId),
      ),
    );
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

export async function findFindingsByIds(
  executor: Executor,
  organizationId: string,
  ids: readonly string[],
): Promise<Finding[]> {
  if (ids.length === 0) return [];
  return executor
    .select()
    .from(findings)
    .where(and(eq(findings.organizationId, organizationId), inArray(findings.id, [...ids])));
}

export async function insertFinding(
  executor: Executor,
  values: typeof findings.$inferInsert,
): Promise<Finding> {
  const [row] = await executor.insert(findings).values(values).returning();
  if (!row) throw new Error('insert returned no finding');
  return row;
}

/** Applies the change only at `version`; undefined when someone else changed the finding first. */
export async function updateFindingAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof findings.$inferInsert>,
): Promise<Finding | undefined> {
  const [row] = await executor
    .update(findings)
    .set({ ...changes, version: sql`${findings.version} + 1` })
    .where(and(eq(findings.id, id), eq(findings.version, version)))
    .returning();
  return row;
}

export async function insertRectificationAction(
  executor: Executor,
  values: typeof rectificationActions.$inferInsert,
) {
  const [row] = await executor.insert(rectificationActions).values(values).returning();
  if (!row) throw new Error('insert returned no action');
  return row;
}

export async function listRectificationActions(executor: Executor, findingIds: readonly string[]) {
  if (findingIds.length === 0) return [];
  return executor
    .select({ action: rectificationActions, departmentName: departments.name })
    .from(rectificationActions)
    .innerJoin(departments, eq(departments.id, rectificationActions.departmentId))
    .where(inArray(rectificationActions.findingId, [...findingIds]))
    .orderBy(asc(rectificationActions.at), asc(rectificationActions.seq));
}

export async function insertFindingEvent(
  executor: Executor,
  values: typeof findingEvents.$inferInsert,
): Promise<void> {
  await executor.insert(findingEvents).values(values);
}

export async function listFindingEvents(executor: Executor, findingId: string) {
  return executor
    .select()
    .from(findingEvents)
    .where(eq(findingEvents.findingId, findingId))
    .orderBy(asc(findingEvents.at), asc(findingEvents.seq));
}

export interface OverdueFinding {
  id: string;
  no: number;
  title: string;
  kind: Finding['kind'];
  state: Finding['state'];
  dueOn: string;
  ownerDepartmentId: string;
  ownerDepartmentName: string;
}

/**
 * Open findings of a plan whose due date has passed: late from the day after `dueOn`, by the
 * institution's calendar (`today` is the Beijing calendar day, yyyy-mm-dd). Oldest first.
 * For the supervision reminder job.
 */
export async function listOverdueFindings(
  executor: Executor,
  organizationId: string,
  planId: string,
  today: string,
): Promise<OverdueFinding[]> {
  return executor
    .select({
      id: findings.id,
      no: findings.no,
      title: findings.title,
      kind: findings.kind,
      state: findings.state,
      dueOn: findings.dueOn,
      ownerDepartmentId: findings.ownerDepartmentId,
      ownerDepartmentName: departments.name,
    })
    .from(findings)
    .innerJoin(departments, eq(departments.id, findings.ownerDepartmentId))
    .where(
      and(
        eq(findings.organizationId, organizationId),
        eq(findings.planId, planId),
        inArray(findings.state, [...openFindingStates]),
        lt(findings.dueOn, today),
      ),
    )
    .orderBy(asc(findings.dueOn), asc(findings.no));
}
