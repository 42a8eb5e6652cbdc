import { and, asc, desc, eq, isNotNull, max, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { auditLog } from '../audit/audit.table';
import { organizations, type Organization } from '../organizations/organization.table';
import { quietActionPrefixes, quietWritePrefixes } from '../../../shared/oversight/figure-changes';
import { institutionSnapshots, type InstitutionSnapshot } from './oversight.table';

export type NewInstitutionSnapshot = typeof institutionSnapshots.$inferInsert;

/** An institution, only if `supervisorId` oversees it. */
export async function findSupervisedInstitution(
  executor: Executor,
  supervisorId: string,
  institutionId: string,
): Promise<Organization | undefined> {
  const [row] = await executor
    .select()
    .from(organizations)
    .where(
      and(
        eq(organizations.id, institutionId),
        eq(organizations.supervisorId, supervisorId),
        eq(organizations.kind, 'institution'),
      ),
    );
  return row;
}

/** The time of the organization's latest audit entry (the index on organization and time answers it). */
export async function latestAuditAt(
  executor: Executor,
  organizationId: string,
): Promise<Date | null> {
  const [row] = await executor
    .select({ at: max(auditLog.at) })
    .from(auditLog)
    .where(eq(auditLog.organizationId, organizationId));
  return row?.at ?? null;
}

/** Writes every plan's snapshot of one institution in one statement, replacing the previous ones. */
export async function upsertSnapshots(
  executor: Executor,
  rows: NewInstitutionSnapshot[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).filter(
    (key) => key !== 'organizationId' && key !== 'planId',
  ) as (keyof NewInstitutionSnapshot)[];
  const set = Object.fromEntries(
    columns.map((key) => {
      const column = institutionSnapshots[key as keyof typeof institutionSnapshots.$inferSelect];
      return [key, sql.raw(`excluded."${column.name}"`)];
    }),
  );
  await executor
    .insert(institutionSnapshots)
    .values(rows)
    .onConflictDoUpdate({
      target: [institutionSnapshots.organizationId, institutionSnapshots.planId],
      set,
    });
}

/** A snapshot's figures without its lists (the late list and the findings), which only one institution's page shows. */
export type SnapshotFigures = Omit<InstitutionSnapshot, 'late' | 'findings'>;

/**
 * What the overview shows of a snapshot, and nothing more: its row's nine counts, the rates made
 * from them, the heat map's line (`byLevel1`) and the plan. At 3,000 institutions every column
 * read is 3,000 values sent, parsed and mapped: the ratings, the plan's title, the other counts
 * and the ids are one institution's page's, not the overview's.
 */
const overviewColumns = {
  planId: institutionSnapshots.planId,
  cycleYear: institutionSnapshots.cycleYear,
  departmentsSubmitted: institutionSnapshots.departmentsSubmitted,
  departmentsTotal: institutionSnapshots.departmentsTotal,
  measures: institutionSnapshots.measures,
  measuresDone: institutionSnapshots.measuresDone,
  lateTotal: institutionSnapshots.lateTotal,
  selfAssessmentsRated: institutionSnapshots.selfAssessmentsRated,
  selfAssessmentsExpected: institutionSnapshots.selfAssessmentsExpected,
  findingsOpen: institutionSnapshots.findingsOpen,
  findingsOverdue: institutionSnapshots.findingsOverdue,
  byLevel1: institutionSnapshots.byLevel1,
  computedAt: institutionSnapshots.computedAt,
};
export type OverviewSnapshot = Pick<InstitutionSnapshot, keyof typeof overviewColumns>;

/** The overview: every institution the supervisor oversees, with its current plan's figures if there are any. */
export async function listSupervisedWithSnapshots(
  executor: Executor,
  supervisorId: string,
): Promise<{ institution: { id: string; name: string }; snapshot: OverviewSnapshot | null }[]> {
  return executor
    .select({
      institution: { id: organizations.id, name: organizations.name },
      snapshot: overviewColumns,
    })
    .from(organizations)
    .leftJoin(
      institutionSnapshots,
      and(
        eq(institutionSnapshots.organizationId, organizations.id),
        eq(institutionSnapshots.current, true),
      ),
    )
    .where(and(eq(organizations.supervisorId, supervisorId), eq(organizations.kind, 'institution')))
    .orderBy(asc(organizations.name));
}

export async function listSnapshotsOfInstitution(
  executor: Executor,
  institutionId: string,
): Promise<InstitutionSnapshot[]> {
  return executor
    .select()
    .from(institutionSnapshots)
    .where(eq(institutionSnapshots.organizationId, institutionId))
    .orderBy(desc(institutionSnapshots.current), desc(institutionSnapshots.cycleYear));
}

/**
 * Supervised institutions with a write their snapshot has not seen: an audit entry that may
 * change the figures (`shared/oversight/figure-changes.ts`) later than the snapshot's watermark,
 * or any such entry when there is no snapshot yet. One range of the audit log's (organization,
 * time) index per institution: the entries since its last refresh.
 */
export async function listStaleInstitutions(
  executor: Executor,
): Promise<{ organizationId: string; watermark: string | null; latest: string }[]> {
  const epochMs = (value: ReturnType<typeof sql>) =>
    sql`floor(extract(epoch from ${value}) * 1000)::bigint::text`;
  const watermark = sql`(select min(${institutionSnapshots.auditWatermark}) from ${institutionSnapshots} where ${institutionSnapshots.organizationId} = ${organizations.id})`;
  // The latest entry after the watermark that may change the figures: an index range scan from the watermark on.
  const likeAny = (
    column: typeof auditLog.action | typeof auditLog.entityType,
    prefixes: readonly string[],
  ) =>
    sql`${column} like any (array[${sql.join(
      prefixes.map((prefix) => sql`${`${prefix}%`}`),
      sql`, `,
    )}])`;
  const latest = sql`(select max(${auditLog.at}) from ${auditLog} where ${auditLog.organizationId} = ${organizations.id}
    and ${auditLog.at} > coalesce(${watermark}, '-infinity'::timestamptz)
    and not ${likeAny(auditLog.action, quietActionPrefixes)}
    and not (${auditLog.action} = 'write' and ${likeAny(auditLog.entityType, quietWritePrefixes)}))`;
  const candidates = executor
    .select({
      organizationId: organizations.id,
      watermark: sql<string | null>`${epochMs(watermark)}`.as('watermark'),
      latest: sql<string | null>`${epochMs(latest)}`.as('latest'),
    })
    .from(organizations)
    .where(and(isNotNull(organizations.supervisorId), eq(organizations.kind, 'institution')))
    .as('candidates');
  const rows = await executor
    .select({
      organizationId: candidates.organizationId,
      watermark: candidates.watermark,
      latest: candidates.latest,
    })
    .from(candidates)
    .where(isNotNull(candidates.latest));
  return rows.map((row) => ({
    organizationId: row.organizationId,
    watermark: row.watermark,
    latest: row.latest!,
  }));
}

/** Every institution some organization supervises, for the nightly sweep. */
export async function listSupervisedInstitutions(executor: Executor): Promise<{ id: string }[]> {
  return executor
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(isNotNull(organizations.supervisorId), eq(organizations.kind, 'institution')));
}

export async function findOrganizationByIdOrName(
  executor: Executor,
  wanted: string,
): Promise<Organization[]> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted);
  return executor
    .select()
    .from(organizations)
    .where(isUuid ? eq(organizations.id, wanted) : eq(organizations.name, wanted));
}

export async function setSupervisor(
  executor: Executor,
  institutionId: string,
  supervisorId: string,
  now: Date,
): Promise<Organization> {
  const [row] = await executor
    .update(organizations)
    .set({ supervisorId, updatedAt: now })
    .where(eq(organizations.id, institutionId))
    .returning();
  if (!row) throw new Error('organization vanished');
  return row;
}
