import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { z } from 'zod';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { claimDueJobs, failAbandonedJobs, insertJobOnce, updateHeldJob } from './job.repository';
import type { Job } from './job.table';

/**
 * The payload of each job kind. A module adds its kinds by augmenting this interface:
 *
 *   declare module '../jobs/job.runner' { interface JobPayloads { 'report.generate': { planId: string } } }
 *
 * and registers a handler with `runner.register('report.generate', { payload, handle })`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: modules add their job kinds by declaration merging
export interface JobPayloads {}
export type JobKind = keyof JobPayloads & string;

export interface JobContext {
  job: Job;
  /** The injected clock's time. */
  now(): Date;
  /** Reports progress (0–100) for the web and renews the lease, for long jobs. */
  progress(percent: number): Promise<void>;
}

export interface JobDefinition<K extends JobKind> {
  /** Checks the stored payload before the handler sees it. */
  payload: z.ZodType<JobPayloads[K]>;
  /** What the job does; its return value is stored as the job's result. Throwing retries it with backoff. */
  handle(payload: JobPayloads[K], context: JobContext): Promise<unknown>;
}

export interface EnqueueRequest<K extends JobKind = JobKind> {
  kind: K;
  organizationId: string;
  payload: JobPayloads[K];
  /** Enqueueing a second job with the same key does nothing (the first one is returned). */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/** Work due on a recurring schedule: called on every tick, returns jobs to enqueue (deduped by key). */
export type Schedule = (executor: Executor, now: Date) => Promise<EnqueueRequest[]>;

export interface RunSummary {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
}

export interface JobRunnerOptions {
  db: Database;
  clock: Clock;
  /** Jobs claimed per round trip. */
  batchSize?: number;
  /** At most this many jobs per runDue call, so one tick stays bounded; the rest wait for the next. */
  maxJobsPerTick?: number;
  /** How long a claim holds before another process may take the job over. */
  leaseMs?: number;
  workerId?: string;
}

export interface JobLogger {
  error(object: unknown, message: string): void;
}

/** Retry delay after the n-th failed attempt: 30 s, 1 min, 2 min … at most an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 2000);
}

export function createJobRunner({
  db,
  clock,
  batchSize = 10,
  maxJobsPerTick = 100,
  leaseMs = 5 * 60_000,
  workerId,
}: JobRunnerOptions) {
  const worker = workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const definitions = new Map<string, JobDefinition<JobKind>>();
  const schedules: Schedule[] = [];
  /** Scheduled keys this process already enqueued: a tick then costs no insert per organization. */
  const scheduledKeys = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  let running = false;

  async function enqueue<K extends JobKind>(
    executor: Executor,
    request: EnqueueRequest<K>,
  ): Promise<{ job: Job; created: boolean }> {
    if (!definitions.has(request.kind))
      throw new Error(`no handler registered for job kind ${request.kind}`);
    const now = clock.now();
    return insertJobOnce(executor, {
      organizationId: request.organizationId,
      kind: request.kind,
      payload: request.payload,
      dedupeKey: request.dedupeKey ?? null,
      runAt: request.runAt ?? now,
      maxAttempts: request.maxAttempts ?? 5,
      createdAt: now,
      updatedAt: now,
    });
  }

  async function runOne(job: Job): Promise<'done' | 'retried' | 'failed'> {
    const definition = definitions.get(job.kind);
    const fail = async (error: unknown) => {
      const now = clock.now();
      const retry = definition !== undefined && job.attempts < job.maxAttempts;
      await updateHeldJob(
        db,
        job.id,
        worker,
        retry
          ? {
              status: 'queued',
              runAt: new Date(now.getTime() + backoffMs(job.attempts)),
              lockedUntil: null,
              lockedBy: null,
              lastError: describeError(error),
              updatedAt: now,
            }
          : {
              status: 'failed',
              lockedUntil: null,
              lockedBy: null,
              lastError: describeError(error),
              finishedAt: now,
              updatedAt: now,
            },
      );
      return retry ? ('retried' as const) : ('failed' as const);
    };
    if (!definition) return fail(new Error(`no handler registered for job kind ${job.kind}`));
    const parsed = definition.payload.safeParse(job.payload);
    if (!parsed.success) {
      const now = clock.now();
      await updateHeldJob(db, job.id, worker, {
        status: 'failed',
        lockedUntil: null,
        lockedBy: null,
        lastError: `invalid payload: ${parsed.error.message}`.slice(0, 2000),
        finishedAt: now,
        updatedAt: now,
      });
      return 'failed';
    }
    const context: JobContext = {
      job,
      now: () => clock.now(),
      async progress(percent) {
        const now = clock.now();
        await updateHeldJob(db, job.id, worker, {
          progress: Math.max(0, Math.min(100, Math.round(percent))),
          lockedUntil: new Date(now.getTime() + leaseMs),
          updatedAt: now,
        });
      },
    };
    let result: unknown;
    try {
      result = await definition.handle(parsed.data, context);
    } catch (error) {
      return fail(error);
    }
    const now = clock.now();
    await updateHeldJob(db, job.id, worker, {
      status: 'done',
      progress: 100,
      result: result ?? null,
      lastError: null,
      lockedUntil: null,
      lockedBy: null,
      finishedAt: now,
      updatedAt: now,
    });
    return 'done';
  }

  async function enqueueScheduled(): Promise<void> {
    const now = clock.now();
    for (const schedule of schedules) {
      for (const request of await schedule(db, now)) {
        if (request.dedupeKey && scheduledKeys.has(request.dedupeKey)) continue;
        await enqueue(db, request);
        if (request.dedupeKey) scheduledKeys.add(request.dedupeKey);
      }
    }
    if (scheduledKeys.size > 10_000) scheduledKeys.clear();
  }

  /** One tick: enqueue what the schedules ask for, then run due jobs in bounded batches. */
  async function runDue(): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, done: 0, retried: 0, failed: 0 };
    await enqueueScheduled();
    summary.failed += await failAbandonedJobs(db, clock.now());
    while (summary.claimed < maxJobsPerTick) {
      const now = clock.now();
      const claimed = await db.transaction((tx) =>
        claimDueJobs(tx, {
          now,
          limit: Math.min(batchSize, maxJobsPerTick - summary.claimed),
          workerId: worker,
          lockedUntil: new Date(now.getTime() + leaseMs),
        }),
      );
      if (claimed.length === 0) break;
      summary.claimed += claimed.length;
      for (const job of claimed) summary[await runOne(job)] += 1;
    }
    return summary;
  }

  return {
    workerId: worker,
    register<K extends JobKind>(kind: K, definition: JobDefinition<K>): void {
      if (definitions.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
      definitions.set(kind, definition as unknown as JobDefinition<JobKind>);
    },
    schedule(schedule: Schedule): void {
      schedules.push(schedule);
    },
    enqueue,
    runDue,
    /**
     * Polls every `intervalMs` until stopped; a tick never overlaps the previous one. A tick that
     * stopped at its bound (`maxJobsPerTick`) leaves jobs due: the next one starts after a turn of
     * the event loop, not after the interval (a nightly pass of 3,000 snapshots would otherwise
     * wait 5 s after every 100).
     */
    start(intervalMs: number, log: JobLogger): void {
      if (running) return;
      running = true;
      const tick = () => {
        let full = false;
        ticking = runDue()
          .then((summary) => {
            full = summary.claimed >= maxJobsPerTick;
          })
          .catch((error: unknown) => log.error({ err: error }, 'job runner tick failed'))
          .finally(() => {
            ticking = null;
            if (running) timer = setTimeout(tick, full ? 0 : intervalMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    /** Stops polling and waits for the tick in progress to finish. */
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
