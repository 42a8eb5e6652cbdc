import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { sharedInPass } from '../../db/read-once';
import {
  obligations,
  occurrences,
  type ObligationRow,
  type OccurrenceRow,
} from './obligation.table';

export async function listObligationsOfPlan(
  executor: Executor,
  organizationId: string,
  planId: string,
): Promise<ObligationRow[]> {
  return executor
    .select()
    .from(obligations)
    .where(and(eq(obligations.organizationId, organizationId), eq(obligations.planId, planId)))
    .orderBy(asc(obligations.createdAt), asc(obligations.id));
}

export async function findObligation(
  executor: Executor,
  organizationId: string,
  planId: string,
  id: string,
): Promise<ObligationRow | undefined> {
  const [row] = await executor
    .select()
    .from(obligations)
    .where(
      and(
        eq(obligations.organizationId, organizationId),
        eq(obligations.planId, planId),
        eq(obligations.id, id),
      ),
    );
  return row;
}

/** Inserts the proposals whose key is not taken yet; returns only those inserted. */
export async function insertProposals(
  executor: Executor,
  values: (typeof obligations.$inferInsert)[],
): Promise<ObligationRow[]> {
  if (values.length === 0) return [];
  return executor
    .insert(obligations)
    .values(values)
    .onConflictDoNothing({ target: [obligations.planId, obligations.proposalKey] })
    .returning();
}

export async function insertObligation(
  executor: Executor,
  values: typeof obligations.$inferInsert,
): Promise<ObligationRow> {
  const [row] = await executor.insert(obligations).values(values).returning();
  if (!row) throw new Error('insert returned no obligation');
  return row;
}

/** Applies the change only at `version`; undefined when someone else changed it first. */
export async function updateObligationAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof obligations.$inferInsert>,
): Promise<ObligationRow | undefined> {
  const [row] = await executor
    .update(obligations)
    .set({ ...changes, version: sql`${obligations.version} + 1` })
    .where(and(eq(obligations.id, id), eq(obligations.version, version)))
    .returning();
  return row;
}

/** The occurrences of a plan, whole (their descriptions and evidence), for the pages that show them. */
export async function listOccurrencesOfPlan(
  executor: Executor,
  organizationId: string,
  planId: string,
  filter: { departmentId?: string | undefined; obligationIds?: readonly string[] } = {},
): Promise<OccurrenceRow[]> {
  if (filter.obligationIds && filter.obligationIds.length === 0) return [];
  return executor
    .select()
    .from(occurrences)
    .where(
      and(
        eq(occurrences.organizationId, organizationId),
        eq(occurrences.planId, planId),
        filter.departmentId ? eq(occurrences.departmentId, filter.departmentId) : undefined,
        filter.obligationIds
          ? inArray(occurrences.obligationId, [...filter.obligationIds])
          : undefined,
      ),
    )
    .orderBy(asc(occurrences.occurredOn), asc(occurrences.recordedAt));
}

/** What judging an obligation reads of an occurrence: no description, evidence or recorder. */
export type OccurrenceFacts = Pick<
  OccurrenceRow,
  'obligationId' | 'departmentId' | 'occurredOn' | 'achieved' | 'outOf'
>;

/**
 * The facts of the occurrences of the given obligations, in the order they happened: for judging
 * them (the quality report, the late list, a snapshot), which count and never show them.
 */
export async function listOccurrenceFactsOfPlan(
  executor: Executor,
  organizationId: string,
  planId: string,
  obligationIds: readonly string[],
): Promise<OccurrenceFacts[]> {
  if (obligationIds.length === 0) return [];
  // In a snapshot's pass the quality report's and supervision's readers ask for the same ones.
  return sharedInPass(
    executor,
    `occurrenceFacts:${organizationId}:${planId}:${obligationIds.join(',')}`,
    () =>
      executor
        .select({
          obligationId: occurrences.obligationId,
          departmentId: occurrences.departmentId,
          occurredOn: occurrences.occurredOn,
          achieved: occurrences.achieved,
          outOf: occurrences.outOf,
        })
        .from(occurrences)
        .where(
          and(
            eq(occurrences.organizationId, organizationId),
            eq(occurrences.planId, planId),
            inArray(occurrences.obligationId, [...obligationIds]),
          ),
        )
        .orderBy(asc(occurrences.occurredOn), asc(occurrences.recordedAt)),
  );
}

export async function insertOccurrence(
  executor: Executor,
  values: typeof occurrences.$inferInsert,
): Promise<OccurrenceRow> {
  const [row] = await executor.insert(occurrences).values(values).returning();
  if (!row) throw new Error('insert returned no occurrence');
  return row;
}

export async function findOccurrence(
  executor: Executor,
  organizationId: string,
  planId: string,
  id: string,
): Promise<OccurrenceRow | undefined> {
  const [row] = await executor
    .select()
    .from(occurrences)
    .where(
      and(
        eq(occurrences.organizationId, organizationId),
        eq(occurrences.planId, planId),
        eq(occurrences.id, id),
      ),
    )
    .for('update');
  return row;
}

export async function deleteOccurrence(executor: Executor, id: string): Promise<void> {
  await executor.delete(occurrences).where(eq(occurrences.id, id));
}
