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
