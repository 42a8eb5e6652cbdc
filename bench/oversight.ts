import { performance } from 'node:perf_hooks';
import { and, eq, ne } from 'drizzle-orm';
import { createServices } from '../src/server/app';
import type { Clock } from '../src/server/clock';
import type { AppConfig } from '../src/server/config';
import type { Database } from '../src/server/db/client';
import { organizations } from '../src/server/modules/organizations/organization.table';
import { createOversightService } from '../src/server/modules/oversight/oversight.service';
import { overdueSources } from '../src/server/modules/supervision/supervision.sources';
import { users } from '../src/server/modules/users/user.table';

export interface BuiltOversight {
  supervisorId: string;
  overseer: { username: string };
  /** Computing every institution's snapshot, as the nightly sweep does. */
  refresh: { institutions: number; totalMs: number; p50Ms: number; maxMs: number };
}

/**
 * Data set M's province: one supervising organization over every university built, an overseer,
 * and every institution's snapshot computed by the same service function the refresh job runs.
 */
export async function buildOversight(
  db: Database,
  clock: Clock,
  config: AppConfig,
  passwordHash: string,
): Promise<BuiltOversight> {
  const [province] = await db
    .insert(organizations)
    .values({ name: '基准省教育厅', kind: 'supervisor' })
    .returning();
  const supervisorId = province!.id;
  const [overseer] = await db
    .insert(users)
    .values({
      organizationId: supervisorId,
      username: 'bench-overseer',
      displayName: '省厅督导',
      role: 'overseer',
      passwordHash,
      mustChangePassword: false,
    })
    .returning();
  const institutions = await db
    .update(organizations)
    .set({ supervisorId })
    .where(and(eq(organizations.kind, 'institution'), ne(organizations.id, supervisorId)))
    .returning({ id: organizations.id });
  const services = createServices({ db, clock, config });
  const oversight = createOversightService({
    db,
    clock,
    breakdowns: services.breakdowns,
    conclusion: services.conclusion,
    plans: services.plans,
    lateSources: overdueSources({ breakdowns: services.breakdowns }),
  });
  const runs: number[] = [];
  const start = performance.now();
  for (const institution of institutions) {
    const t0 = performance.now();
    await oversight.refreshSnapshot(institution.id);
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const round1 = (value: number) => Math.round(value * 10) / 10;
  return {
    supervisorId,
    overseer: { username: overseer!.username },
    refresh: {
      institutions: institutions.length,
      totalMs: round1(performance.now() - start),
      p50Ms: round1(sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN),
      maxMs: round1(sorted.at(-1) ?? NaN),
    },
  };
}
