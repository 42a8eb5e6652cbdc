import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import { connectDatabase } from '../../src/server/db/client';
import { claimDueJobs } from '../../src/server/modules/jobs/job.repository';
import {
  backoffMs,
  createJobRunner,
  type JobRunner,
} from '../../src/server/modules/jobs/job.runner';
import { jobs } from '../../src/server/modules/jobs/job.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  createInstitution,
  createUser,
  institutionWithSeedPlan,
  signIn,
  testConfig,
} from '../support/test-app';

declare module '../../src/server/modules/jobs/job.runner' {
  interface JobPayloads {
    'test.record': { label: string; failTimes?: number; delayMs?: number };
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.destroy());

/** A runner on its own clock whose handler records every run, and can fail the first n times. */
function recordingRunner(
  clock: ManualClock,
  options: { db?: TestDatabase['db']; maxJobsPerTick?: number; leaseMs?: number } = {},
) {
  const runs: string[] = [];
  const runner = createJobRunner({
    db: options.db ?? database.db,
    clock,
    maxJobsPerTick: options.maxJobsPerTick ?? 100,
    leaseMs: options.leaseMs ?? 60_000,
  });
  runner.register('test.record', {
    payload: z.object({
      label: z.string(),
      failTimes: z.number().optional(),
      delayMs: z.number().optional(),
    }),
    async handle(payload, context) {
      runs.push(payload.label);
      if (payload.delayMs) await new Promise((resolve) => setTimeout(resolve, payload.delayMs));
      if (context.job.attempts <= (payload.failTimes ?? 0))
        throw new Error(`planned failure ${context.job.attempts}`);
      await context.progress(50);
      return { label: payload.label, attempt: context.job.attempts };
    },
  });
  return { runner, runs };
}

async function jobRow(id: string) {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, id));
  return row!;
}

describe('the job runner', () => {
  it('runs a job once; enqueueing the same dedupe key again does nothing', async () => {
    const { organization } = await createInstitution(database.db);
    const clock = new ManualClock('2024-05-01T01:00:00Z');
    const { runner, runs } = recordingRunner(clock);
    const first = await runner.enqueue(database.db, {
      kind: 'test.record',
      organizationId: organization.id,
      payload: { label: 'once' },
      dedupeKey: `once:${organization.id}`,
    });
    const again = await runner.enqueue(database.db, {
      kind: 'test.record',
      organizationId: organization.id,
      payload: { label: 'twice' },
      dedupeKey: `once:${organization.id}`,
    });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } });
    expect(await runner.runDue()).toMatchObject({ claimed: 1, done: 1 });
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    expect(runs).toEqual(['once']);
    expect(await jobRow(first.job.id)).toMatchObject({
      status: 'done',
      progress: 100,
      attempts: 1,
      result: { label: 'once', attempt: 1 },
      lockedUntil: null,
    });
  });

  it('waits for run_at, retries a failing job with growing backoff, then gives up', async () => {
    const { organization } = await createInstitution(database.db);
    const clock = new ManualClock('2024-05-01T01:00:00Z');
    const { runner, runs } = recordingRunner(clock);
    const later = await runner.enqueue(database.db, {
      kind: 'test.record',
      organizationId: organization.id,
      payload: { label: 'later' },
      runAt: new Date('2024-05-01T02:00:00Z'),
    });
    const { job } = await runner.enqueue(database.db, {
      kind: 'test.record',
      organizationId: organization.id,
      payload: { label: 'flaky', failTimes: 9 },
      maxAttempts: 3,
    });
    expect(await runner.runDue()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await jobRow(job.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'planned failure 1',
      runAt: new Date(clock.now().getTime() + backoffMs(1)),
    });
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    clock.advance(backoffMs(1));
    expect(await runner.runDue()).toMatchObject({ claimed: 1, retried: 1 });
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    clock.advance(backoffMs(2));
    expect(await runner.runDue()).toMatchObject({ claimed: 1, failed: 1 });
    expect(await jobRow(job.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'planned failure 3',
    });
    expect(runs).toEqual(['flaky', 'flaky', 'flaky']);
    expect((await jobRow(later.job.id)).status).toBe('queued');
    clock.set('2024-05-01T02:00:00Z');
    await runner.runDue();
    expect((await jobRow(later.job.id)).status).toBe('done');
  });

  it('takes over a job whose worker died once its lease has passed', async () => {
    const { organization } = await createInstitution(database.db);
    const clock = new ManualClock('2024-05-01T01:00:00Z');
    const { runner, runs } = recordingRunner(clock, { leaseMs: 60_000 });
    const { job } = await runner.enqueue(database.db, {
      kind: 'test.record',
      organizationId: organization.id,
      payload: { label: 'orphan' },
    });
    // Another process claims it and dies without finishing.
    const claimed = await database.db.transaction((tx) =>
      claimDueJobs(tx, {
        now: clock.now(),
        limit: 100,
        workerId: 'dead-worker',
        lockedUntil: new Date(clock.now().getTime() + 60_000),
      }),
    );
    expect(claimed.map((row) => row.id)).toContain(job.id);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    clock.advance(61_000);
    await runner.runDue();
    expect(runs).toEqual(['orphan']);
    expect(await jobRow(job.id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: null });
  });

  /** A runner of 4 jobs per tick with 7 jobs due, labelled `<prefix>-<n>`. */
  async function sevenJobsFourPerTick(prefix: string) {
    const { organization } = await createInstitution(database.db);
    const recording = recordingRunner(new ManualClock('2024-05-01T01:00:00Z'), {
      maxJobsPerTick: 4,
    });
    for (let index = 0; index < 7; index += 1)
      await recording.runner.enqueue(database.db, {
        kind: 'test.record',
        organizationId: organization.id,
        payload: { label: `${prefix}-${index}` },
      });
    return recording;
  }

  it('runs at most maxJobsPerTick jobs per tick', async () => {
    const { runner, runs } = await sevenJobsFourPerTick('bounded');
    expect(await runner.runDue()).toMatchObject({ claimed: 4 });
    expect(await runner.runDue()).toMatchObject({ claimed: 3 });
    expect(runs).toHaveLength(7);
  });

  it('a polling runner whose tick stopped at its bound goes on at once, not after the interval', async () => {
    const { runner, runs } = await sevenJobsFourPerTick('polled');
    const errors: unknown[] = [];
    // An hour between polls: only going on at once can run the last three within the wait.
    runner.start(3_600_000, { error: (object) => errors.push(object) });
    try {
      await vi.waitFor(() => expect(runs).toHaveLength(7), { timeout: 20_000, interval: 50 });
    } finally {
      await runner.stop();
    }
    expect(errors).toEqual([]);
  });

  it('two runners on one database, each with its own connections, run every job exactly once', async () => {
    const { organization } = await createInstitution(database.db);
    const clock = new ManualClock('2024-05-01T01:00:00Z');
    const other = connectDatabase(database.url, { maxConnections: 5 });
    try {
      const a = recordingRunner(clock, { maxJobsPerTick: 1000 });
      const b = recordingRunner(clock, { db: other.db, maxJobsPerTick: 1000 });
      const labels = Array.from({ length: 40 }, (_, index) => `parallel-${index}`);
      for (const label of labels)
        await a.runner.enqueue(database.db, {
          kind: 'test.record',
          organizationId: organization.id,
          payload: { label, delayMs: 5 },
        });
      const [first, second] = await Promise.all([a.runner.runDue(), b.runner.runDue()]);
      expect(first.claimed + second.claimed).toBe(40);
      expect([...a.runs, ...b.runs].sort()).toEqual([...labels].sort());
      expect(new Set([...a.runs, ...b.runs]).size).toBe(40);
    } finally {
      await other.close();
    }
  });
});

describe('the schedule and GET /api/v1/jobs/:id', () => {
  let runner: JobRunner;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const clock = new ManualClock('2024-05-06T01:00:00Z');
  beforeAll(async () => {
    runner = createJobRunner({ db: database.db, clock });
    app = await buildApp(
      { db: database.db, clock, config: testConfig(), jobs: runner, mailer: null },
      { logger: false },
    );
  });
  afterAll(async () => app.close());

  it("enqueues one supervision sweep per organization with a plan per Beijing day and one digest per week; staff follow a job's progress", async () => {
    const { organization } = await institutionWithSeedPlan({ app, db: database.db });
    const planless = await createInstitution(database.db);
    const sweepKey = (day: string) => `supervision:${organization.id}:${day}`;
    // Other modules schedule jobs per organization too; this test looks at supervision's.
    const supervisionJobs = async (organizationId: string) =>
      (await database.db.select().from(jobs).where(eq(jobs.organizationId, organizationId))).filter(
        (row) => row.kind.startsWith('supervision.'),
      );
    await runner.runDue();
    await runner.runDue();
    expect(await supervisionJobs(planless.organization.id)).toEqual([]);
    const rows = await supervisionJobs(organization.id);
    expect(rows.map((row) => row.dedupeKey).sort()).toEqual([
      `supervision-digest:${organization.id}:2024-05-06`,
      sweepKey('2024-05-06'),
    ]);
    const sweep = rows.find((row) => row.dedupeKey === sweepKey('2024-05-06'))!;
    expect(sweep).toMatchObject({
      status: 'done',
      progress: 100,
      attempts: 1,
      runAt: new Date('2024-05-06T00:00:00Z'),
    });

    // 23:30 Beijing is still the same day; 00:30 the next day is a new one, due at 08:00.
    clock.set('2024-05-06T15:30:00Z');
    await runner.runDue();
    clock.set('2024-05-06T16:30:00Z');
    await runner.runDue();
    const next = (
      await database.db
        .select()
        .from(jobs)
        .where(eq(jobs.dedupeKey, sweepKey('2024-05-07')))
    )[0]!;
    expect(next).toMatchObject({ status: 'queued', runAt: new Date('2024-05-07T00:00:00Z') });
    expect((await supervisionJobs(organization.id)).length).toBe(3);

    const coordinator = await signIn(
      app,
      (await createUser(database.db, organization.id, 'coordinator')).username,
    );
    const view = (await coordinator.get(`/api/v1/jobs/${sweep.id}`)).json();
    expect(view).toMatchObject({
      id: sweep.id,
      kind: 'supervision.sweepOrganization',
      status: 'done',
      progress: 100,
      result: { today: '2024-05-06', failed: 0 },
    });
    expect((await coordinator.get(`/api/v1/jobs/${next.id}`)).json()).toMatchObject({
      status: 'queued',
      progress: 0,
    });

    const leader = await signIn(
      app,
      (await createUser(database.db, organization.id, 'leader')).username,
    );
    expect((await leader.get(`/api/v1/jobs/${sweep.id}`)).statusCode).toBe(403);
    const stranger = await createInstitution(database.db);
    const strangerCoordinator = await signIn(
      app,
      (await createUser(database.db, stranger.organization.id, 'coordinator')).username,
    );
    const hidden = await strangerCoordinator.get(`/api/v1/jobs/${sweep.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('job.not_found');
  });
});
