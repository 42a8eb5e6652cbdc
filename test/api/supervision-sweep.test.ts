import { and, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { jobs } from '../../src/server/modules/jobs/job.table';
import { backoffMs } from '../../src/server/modules/jobs/job.runner';
import { sweepKey } from '../../src/server/modules/supervision/supervision.jobs';
import { outboundSettings } from '../../src/server/modules/outbound/outbound.table';
import {
  createInstitution,
  createTestApp,
  institutionWithSeedPlan,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  // Monday 2024-05-06, 09:00 Beijing: after the 08:00 sending hour.
  t = await createTestApp({ clock: new ManualClock('2024-05-06T01:00:00Z') });
});
afterAll(async () => t.close());

describe('the daily supervision sweep, one job per organization', () => {
  it("makes one sweep job for each of three organizations with a plan, runs each once, and one organization's failure stops none of the others", async () => {
    const institutions = [
      await institutionWithSeedPlan(t),
      await institutionWithSeedPlan(t),
      await institutionWithSeedPlan(t),
    ];
    const ids = institutions.map((institution) => institution.organization.id);
    const planless = await createInstitution(t.db);
    // The third organization's saved robot address cannot be opened (a secret sealed elsewhere): its sweep fails.
    const [healthyA, healthyB, broken] = ids as [string, string, string];
    await t.db.insert(outboundSettings).values({
      organizationId: broken,
      wecomWebhookUrl: 'garbage',
      version: 1,
      updatedAt: t.clock.now(),
    });

    const sweeps = () =>
      t.db
        .select()
        .from(jobs)
        .where(
          and(
            eq(jobs.kind, 'supervision.sweepOrganization'),
            inArray(jobs.organizationId, [...ids, planless.organization.id]),
          ),
        );
    await t.jobs.runDue();
    // A second tick the same day (another process, or a restart) enqueues nothing new.
    await t.jobs.runDue();
    const first = await sweeps();
    expect(first.map((job) => job.dedupeKey).sort()).toEqual(
      ids.map((id) => sweepKey(id, '2024-05-06')).sort(),
    );
    const byOrganization = (rows: typeof first, id: string) =>
      rows.find((job) => job.organizationId === id)!;
    for (const id of [healthyA, healthyB]) {
      expect(byOrganization(first, id)).toMatchObject({
        status: 'done',
        attempts: 1,
        progress: 100,
        lastError: null,
      });
      expect(byOrganization(first, id).result).toMatchObject({ today: '2024-05-06', failed: 0 });
    }
    expect(byOrganization(first, broken)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(byOrganization(first, broken).lastError).toContain('not a sealed secret');

    // The broken one is retried after its backoff, alone; the others are not run again.
    t.clock.advance(backoffMs(1) + 1000);
    await t.jobs.runDue();
    const second = await sweeps();
    expect(byOrganization(second, broken)).toMatchObject({ status: 'queued', attempts: 2 });
    for (const id of [healthyA, healthyB])
      expect(byOrganization(second, id)).toMatchObject({
        status: 'done',
        attempts: 1,
        finishedAt: byOrganization(first, id).finishedAt,
      });

    // Once the security admin saves its robots again, the retry goes through.
    await t.db.delete(outboundSettings).where(eq(outboundSettings.organizationId, broken));
    t.clock.advance(backoffMs(2) + 1000);
    await t.jobs.runDue();
    expect(byOrganization(await sweeps(), broken)).toMatchObject({
      status: 'done',
      attempts: 3,
      lastError: null,
    });

    // The weekly digest is per organization too, and none for an organization without a plan.
    const digests = await t.db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.kind, 'supervision.digestOrganization'),
          like(jobs.dedupeKey, 'supervision-digest:%:2024-05-06'),
        ),
      );
    expect(digests.map((job) => job.organizationId).sort()).toEqual([...ids].sort());
  }, 120_000);
});
