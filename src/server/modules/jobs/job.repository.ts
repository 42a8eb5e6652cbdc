import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { jobs, type Job } from './job.table';

export type NewJob = typeof jobs.$inferInsert;

/** Inserts the job, or returns the one already holding its dedupe key. */
export async function insertJobOnce(
  executor: Executor,
  values: NewJob,
): Promise<{ job: Job; created: boolean }> {
  const [created] = await executor
    .insert(jobs)
    .values(values)
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning();
  if (created) return { job: created, created: true };
  if (!values.dedupeKey) throw new Error('insert returned no job');
  const [existing] = await executor.select().from(jobs).where(eq(jobs.dedupeKey, values.dedupeKey));
  if (!existing) throw new Error(`job ${values.dedupeKey} vanished`);
  return { job: existing, created: false };
}

export async function findJobInOrganization(
  executor: Executor,
  organizationId: string,
  id: string,
): Promise<Job | undefined> {
  const [row] = await executor
    .select()
    .from(jobs)
    .where(and(eq(jobs.organizationId, organizationId), eq(jobs.id, id)));
  return row;
}

/** Jobs whose worker died once too often: their lease ran out with no attempts left. */
export async function failAbandonedJobs(executor: Executor, now: Date): Promise<number> {
  const failed = await executor
    .update(jobs)
    .set({
      status: 'failed',
      lastError: 'the worker stopped before finishing (lease expired) and no attempts are left',
      lockedUntil: null,
      lockedBy: null,
      finishedAt: now,
      updatedAt: now,
    })
    .where(
      and(
        eq(jobs.status, 'running'),
        lt(jobs.lockedUntil, now),
        sql`${jobs.attempts} >= ${jobs.maxAttempts}`,
      ),
    )
    .returning({ id: jobs.id });
  return failed.length;
}

/**
 * Claims up to `limit` due jobs for `workerId`: queued ones whose time has come, and running
 * ones whose lease has passed (their worker died). Rows another process is claiming are skipped,
 * so two processes never claim the same job.
 */
export async function claimDueJobs(
  executor: Executor,
  values: { now: Date; limit: number; workerId: string; lockedUntil: Date },
): Promise<Job[]> {
  const { now, limit, workerId, lockedUntil } = values;
  const due = await executor
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      or(
        and(eq(jobs.status, 'queued'), lte(jobs.runAt, now)),
        and(
          eq(jobs.status, 'running'),
          lt(jobs.lockedUntil, now),
          sql`${jobs.attempts} < ${jobs.maxAttempts}`,
        ),
      ),
    )
    .orderBy(asc(jobs.runAt), asc(jobs.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];
  return executor
    .update(jobs)
    .set({
      status: 'running',
      attempts: sql`${jobs.attempts} + 1`,
      lockedUntil,
      lockedBy: workerId,
      startedAt: now,
      updatedAt: now,
    })
    .where(
      inArray(
        jobs.id,
        due.map((row) => row.id),
      ),
    )
    .returning();
}

/** Changes a job this worker still holds; false when its lease was lost to another worker. */
export async function updateHeldJob(
  executor: Executor,
  id: string,
  workerId: string,
  changes: Partial<NewJob>,
): Promise<boolean> {
  const rows = await executor
    .update(jobs)
    .set(changes)
    .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}
