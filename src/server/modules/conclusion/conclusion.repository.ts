import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import {
  institutionRatings,
  ratingScales,
  selfAssessments,
  summaries,
  type InstitutionRating,
  type RatingScale,
  type SelfAssessment,
  type Summary,
} from './conclusion.table';
import type { listPlanAssignmentTargets } from '../breakdowns/breakdown.repository';
import type { Deliverable } from '../plans/plan.table';
import type { Indicator, Item } from '../standards/standard.table';

/**
 * Serializes changes to a plan's scale against ratings on it: a rating takes the lock shared,
 * a change of the scale exclusive, so that the scale never changes under a rating.
 */
export async function lockScaleOfPlan(
  executor: Executor,
  planId: string,
  mode: 'shared' | 'exclusive',
): Promise<void> {
  const key = `rating-scale:${planId}`;
  await executor.execute(
    mode === 'shared'
      ? sql`select pg_advisory_xact_lock_shared(hashtext(${key}))`
      : sql`select pg_advisory_xact_lock(hashtext(${key}))`,
  );
}

export async function findRatingScale(
  executor: Executor,
  planId: string,
): Promise<RatingScale | undefined> {
  const [row] = await executor.select().from(ratingScales).where(eq(ratingScales.planId, planId));
  return row;
}

export async function insertRatingScale(
  executor: Executor,
  values: typeof ratingScales.$inferInsert,
): Promise<RatingScale | undefined> {
  const [row] = await executor
    .insert(ratingScales)
    .values(values)
    .onConflictDoNothing({ target: ratingScales.planId })
    .returning();
  return row;
}

export async function updateRatingScaleAtVersion(
  executor: Executor,
  planId: string,
  version: number,
  changes: Partial<typeof ratingScales.$inferInsert>,
): Promise<RatingScale | undefined> {
  const [row] = await executor
    .update(ratingScales)
    .set({ ...changes, version: sql`${ratingScales.version} + 1` })
    .where(and(eq(ratingScales.planId, planId), eq(ratingScales.version, version)))
    .returning();
  return row;
}

/** Whether anyone has rated an item of the plan yet, a department or the office. */
export async function planHasRatings(executor: Executor, planId: string): Promise<boolean> {
  const [department] = await executor
    .select({ id: selfAssessments.id })
    .from(selfAssessments)
    .where(eq(selfAssessments.planId, planId))
    .limit(1);
  if (department) return true;
  const [institution] = await executor
    .select({ id: institutionRatings.id })
    .from(institutionRatings)
    .where(eq(institutionRatings.planId, planId))
    .limit(1);
  return Boolean(institution);
}

export async function findSummary(
  executor: Executor,
  planId: string,
  departmentId: string,
  options: { lock?: boolean } = {},
): Promise<Summary | undefined> {
  const query = executor
    .select()
    .from(summaries)
    .where(and(eq(summaries.planId, planId), eq(summaries.departmentId, departmentId)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** The first save of a department's summary; undefined when someone else created it first. */
export async function insertSummary(
  executor: Executor,
  values: typeof summaries.$inferInsert,
): Promise<Summary | undefined> {
  const [row] = await executor
    .insert(summaries)
    .values(values)
    .onConflictDoNothing({ target: [summaries.planId, summaries.departmentId] })
    .returning();
  return row;
}

export async function updateSummaryAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof summaries.$inferInsert>,
): Promise<Summary | undefined> {
  const [row] = await executor
    .update(summaries)
    .set({ ...changes, version: sql`${summaries.version} + 1` })
    .where(and(eq(summaries.id, id), eq(summaries.version, version)))
    .returning();
  return row;
}

export async function listSummariesOfPlan(executor: Executor, planId: string): Promise<Summary[]> {
  return executor.select().from(summaries).where(eq(summaries.planId, planId));
}

export async function listSelfAssessments(
  executor: Executor,
  planId: string,
  departmentId?: string,
): Promise<SelfAssessment[]> {
  return executor
    .select()
    .from(selfAssessments)
    .where(
      departmentId === undefined
        ? eq(selfAssessments.planId, planId)
        : and(eq(selfAssessments.planId, planId), eq(selfAssessments.departmentId, departmentId)),
    );
}

export async function findSelfAssessment(
  executor: Executor,
  planId: string,
  itemId: string,
  departmentId: string,
): Promise<SelfAssessment | undefined> {
  const [row] = await executor
    .select()
    .from(selfAssessments)
    .where(
      and(
        eq(selfAssessments.planId, planId),
        eq(selfAssessments.itemId, itemId),
        eq(selfAssessments.departmentId, departmentId),
      ),
    );
  return row;
}

export async function insertSelfAssessment(
  executor: Executor,
  values: typeof selfAssessments.$inferInsert,
): Promise<SelfAssessment | undefined> {
  const [row] = await executor
    .insert(selfAssessments)
    .values(values)
    .onConflictDoNothing({
      target: [selfAssessments.planId, selfAssessments.itemId, selfAssessments.departmentId],
    })
    .returning();
  return row;
}

export async function updateSelfAssessmentAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof selfAssessments.$inferInsert>,
): Promise<SelfAssessment | undefined> {
  const [row] = await executor
    .update(selfAssessments)
    .set({ ...changes, version: sql`${selfAssessments.version} + 1` })
    .where(and(eq(selfAssessments.id, id), eq(selfAssessments.version, version)))
    .returning();
  return row;
}

export async function listInstitutionRatings(
  executor: Executor,
  planId: string,
): Promise<InstitutionRating[]> {
  return executor.select().from(institutionRatings).where(eq(institutionRatings.planId, planId));
}

export async function findInstitutionRating(
  executor: Executor,
  planId: string,
  itemId: string,
): Promise<InstitutionRating | undefined> {
  const [row] = await executor
    .select()
    .from(institutionRatings)
    .where(and(eq(institutionRatings.planId, planId), eq(institutionRatings.itemId, itemId)));
  return row;
}

export async function insertInstitutionRating(
  executor: Executor,
  values: typeof institutionRatings.$inferInsert,
): Promise<InstitutionRating | undefined> {
  const [row] = await executor
    .insert(institutionRatings)
    .values(values)
    .onConflictDoNothing({ target: [institutionRatings.planId, institutionRatings.itemId] })
    .returning();
  return row;
}

export async function updateInstitutionRatingAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof institutionRatings.$inferInsert>,
): Promise<InstitutionRating | undefined> {
  const [row] = await executor
    .update(institutionRatings)
    .set({ ...changes, version: sql`${institutionRatings.version} + 1` })
    .where(and(eq(institutionRatings.id, id), eq(institutionRatings.version, version)))
    .returning();
  return row;
}

/** The plan's records a department's conclusion view shows besides its own (`readConclusionFrame`). */
export interface ConclusionFrame {
  /** The standard's items, by number (as `listItemsOfStandard`). */
  items: Item[];
  /** The standard's indicators, by depth and position (as `listIndicatorsOfStandard`). */
  indicators: Indicator[];
  /** The plan's assignments with their groups, by item and position (as `listPlanAssignmentTargets`). */
  targets: Awaited<ReturnType<typeof listPlanAssignmentTargets>>;
  /** The plan's deliverables' kinds and due days, by due day and title (as `listDeliverables`). */
  deliverables: Pick<Deliverable, 'kind' | 'title' | 'dueOn'>[];
  /** The office's moderated rating of each item it has rated. */
  moderated: Pick<InstitutionRating, 'itemId' | 'rating' | 'note'>[];
}

/**
 * The view's records of the plan in one statement, each list as JSON in the order its own
 * reader gives it (five statements before; a save's round trips are most of its time). None of
 * them is what a rating changes or locks: read side by side, before or after a rating's lock.
 */
export async function readConclusionFrame(
  executor: Executor,
  standardId: string,
  planId: string,
): Promise<ConclusionFrame> {
  // Each list's rows as JSON objects of their own (a subselect's rows, named as the rows' types
  // name them), cheaper to plan and build than json_build_object's pairs.
  const result = await executor.execute<
    Omit<{ [K in keyof ConclusionFrame]: ConclusionFrame[K] | null }, 'targets'> & {
      targets: (ConclusionFrame['targets'][number] & { position: number })[] | null;
    }
  >(sql`
    select
      (select json_agg(t order by t.no) from (
        select id, organization_id as "organizationId", standard_id as "standardId",
          indicator_id as "indicatorId", no, content, focus, code, leader, extra
        from items where standard_id = ${standardId}) t) as items,
      (select json_agg(t order by t.depth, t.position) from (
        select id, organization_id as "organizationId", standard_id as "standardId",
          parent_id as "parentId", depth, code, title, position, levels
        from indicators where standard_id = ${standardId}) t) as indicators,
      (select json_agg(t order by t."itemId", t.position) from (
        select a.item_id as "itemId", a.department_id as "departmentId", a.role,
          g.name as "groupName", g.kind as "groupKind", g.selects_kind as "selectsKind", a.position
        from assignments a left join department_groups g on g.id = a.group_id
        where a.plan_id = ${planId}) t) as targets,
      (select json_agg(t order by t."dueOn", t.title) from (
        select kind, title, due_on as "dueOn" from deliverables where plan_id = ${planId}) t) as deliverables,
      (select json_agg(t) from (
        select item_id as "itemId", rating, note from institution_ratings where plan_id = ${planId}) t) as moderated`);
  const row = result.rows[0];
  return {
    items: row?.items ?? [],
    indicators: row?.indicators ?? [],
    // The position orders them only.
    targets: (row?.targets ?? []).map(({ position: _position, ...target }) => target),
    deliverables: row?.deliverables ?? [],
    moderated: row?.moderated ?? [],
  };
}
