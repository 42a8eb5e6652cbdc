import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_PASSWORD, buildOrganization } from '../../bench/dataset';
import {
  createLoadUsers,
  runningClockFrom,
  simulate,
  startLoadServer,
  type LoadUser,
} from '../../bench/simulation';
import { ManualClock } from '../../src/server/clock';
import { hashPassword } from '../../src/server/modules/users/password';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { removeTestEvidence, testConfig } from '../support/test-app';

/** `npm run load` in small: a handful of people for a few seconds, so that the script cannot rot. */
describe('the load simulation', () => {
  const today = '2024-12-20T02:00:00Z';
  const config = testConfig({ port: 0, jobPollSeconds: 1 });
  let database: TestDatabase;
  let server: Awaited<ReturnType<typeof startLoadServer>>;
  let users: LoadUser[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const built = await buildOrganization({
      db: database.db,
      clock: new ManualClock(today),
      passwordHash: await hashPassword(BENCH_PASSWORD),
      reportsTarget: 300,
      index: 0,
      departments: 30,
      draftDepartments: 4,
    });
    users = await createLoadUsers(database.db, built, 8);
    server = await startLoadServer({ db: database.db, clock: runningClockFrom(today), config });
  });

  afterAll(async () => {
    await server?.close();
    await database?.destroy();
    removeTestEvidence(config);
  });

  it('signs everyone in and runs every role for five seconds without an error', async () => {
    expect(users.map((user) => user.role).sort()).toEqual([
      'coordinator',
      'leader',
      'liaison',
      'liaison',
      'liaison',
      'liaison',
      'liaison',
      'liaison',
    ]);
    expect(users.filter((user) => user.drafting)).toHaveLength(3);

    // With this seed the people's first actions alone (the choices are seeded) read the dashboard,
    // save a measure and report progress citing an upload: the counts below hold however slow the machine.
    const result = await simulate({
      baseUrl: server.url,
      users,
      password: BENCH_PASSWORD,
      durationSeconds: 5,
      thinkSeconds: [0.1, 0.4],
      seed: 5,
    });

    expect(result.errorSamples).toEqual([]);
    expect(result.totals.errors).toBe(0);
    expect(result.signedIn).toBe(8);
    const counted = Object.fromEntries(
      result.operations.map((entry) => [entry.operation, entry.count]),
    );
    expect(counted['sign in']).toBe(8);
    for (const operation of [
      'dashboard',
      "liaison's items",
      "liaison's ledger",
      'save a measure (PATCH)',
      'report progress',
      'upload evidence',
    ]) {
      expect(counted[operation], operation).toBeGreaterThan(0);
    }
    for (const entry of result.operations) expect(entry.p50, entry.operation).toBeGreaterThan(0);
  });
});
