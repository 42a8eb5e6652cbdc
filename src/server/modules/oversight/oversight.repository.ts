import {
  and,
  type AnyColumn,
  asc,
  desc,
  eq,
  isNotNull,
  max,
  min,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { IndicatorFigures, overviewSortKeys } from '../../../shared/api/oversight';
import type { Executor } from '../../db/client';
import { auditLog } from '../audit/audit.table';
import { organizations, type Organization } from '../organizations/organization.table';
import { quietActionPrefixes, quietWritePrefixes } from '../../../shared/oversight/figure-changes';
import { institutionSnapshots, type InstitutionSnapshot } from './oversight.table';

export type NewInstitutionSnapshot = typeof institutionSnapshots.$inferInsert;
type OverviewSortKey = (typeof overviewSortKeys)[number];

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

/** The columns `upsertSnapshots` writes from `byLevel1` itself: never given on their own. */
type CompactLevel1 = 'level1Codes' | 'level1Titles' | 'level1Measures' | 'level1MeasuresDone';
export type NewInstitutionSnapshotFigures = Omit<NewInstitutionSnapshot, CompactLevel1>;

/** The heat map's arrays, from the detailed figures by indicator (in their order). Pure. */
export function compactLevel1(
  byLevel1: readonly Pick<IndicatorFigures, 'code' | 'title' | 'measures' | 'measuresDone'>[],
): Pick<InstitutionSnapshot, CompactLevel1> {
  return {
    level1Codes: byLevel1.map((level1) => level1.code),
    level1Titles: byLevel1.map((level1) => level1.title),
    level1Measures: byLevel1.map((level1) => level1.measures),
    level1MeasuresDone: byLevel1.map((level1) => level1.measuresDone),
  };
}

/**
 * Writes every plan's snapshot of one institution in one statement, replacing the previous ones;
 * the overview's arrays are made here from `byLevel1`, so the two can never disagree.
 */
export async function upsertSnapshots(
  executor: Executor,
  figures: NewInstitutionSnapshotFigures[],
): Promise<void> {
  if (figures.length === 0) return;
  const rows: NewInstitutionSnapshot[] = figures.map((row) => ({
    ...row,
    ...compactLevel1(row.byLevel1),
  }));
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
 * from them, the heat map's line and columns (the compact arrays, never `by_level1`) and the plan.
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
  level1Codes: institutionSnapshots.level1Codes,
  level1Titles: institutionSnapshots.level1Titles,
  level1Measures: institutionSnapshots.level1Measures,
  level1MeasuresDone: institutionSnapshots.level1MeasuresDone,
  computedAt: institutionSnapshots.computedAt,
};
export type OverviewSnapshot = Pick<InstitutionSnapshot, keyof typeof overviewColumns>;

export interface OverviewSelection {
  supervisorId: string;
  /** Part of the name, matched literally (a % or _ in it is no wildcard), case-insensitively. */
  q?: string | undefined;
}

/** Names in the order a Chinese reader expects (pinyin), as `Intl.Collator('zh-CN')` orders them. */
const nameInChineseOrder = sql`${organizations.name} collate "zh-x-icu"`;

/** The institutions the supervisor oversees that the search selects, with their current snapshot joined. */
function selected(selection: OverviewSelection) {
  const conditions = [
    eq(organizations.supervisorId, selection.supervisorId),
    eq(organizations.kind, 'institution'),
  ];
  if (selection.q) {
    const literal = selection.q.replace(/[\\%_]/g, (character) => `\\${character}`);
    conditions.push(sql`${organizations.name} ilike ${`%${literal}%`}`);
  }
  return and(...conditions);
}
const currentSnapshot = and(
  eq(institutionSnapshots.organizationId, organizations.id),
  eq(institutionSnapshots.current, true),
);

/** A percentage with one decimal exactly as `percent()` makes it in JS (round half up, in doubles); null over zero. */
const percentSql = (numerator: AnyColumn, denominator: AnyColumn) =>
  sql`floor(${numerator}::float8 / nullif(${denominator}, 0) * 1000 + 0.5) / 10`;

const sortExpressions: Record<OverviewSortKey, SQL> = {
  name: nameInChineseOrder,
  submissionRate: percentSql(
    institutionSnapshots.departmentsSubmitted,
    institutionSnapshots.departmentsTotal,
  ),
  measuresDoneRate: percentSql(institutionSnapshots.measuresDone, institutionSnapshots.measures),
  lateTotal: sql`${institutionSnapshots.lateTotal}`,
  selfAssessmentRate: percentSql(
    institutionSnapshots.selfAssessmentsRated,
    institutionSnapshots.selfAssessmentsExpected,
  ),
  findingsOpen: sql`${institutionSnapshots.findingsOpen}`,
  findingsOverdue: sql`${institutionSnapshots.findingsOverdue}`,
  computedAt: sql`${institutionSnapshots.computedAt}`,
};

/** The sums of what the search selects; over the rows of one scan, as aggregates or as window functions. */
function summaryColumns(over: SQL) {
  const total = (column: AnyColumn) => sql<number>`coalesce(sum(${column}) ${over}, 0)::int`;
  return {
    institutions: sql<number>`count(*) ${over}`.mapWith(Number),
    withFigures: sql<number>`count(${institutionSnapshots.id}) ${over}`.mapWith(Number),
    departmentsSubmitted: total(institutionSnapshots.departmentsSubmitted),
    departmentsTotal: total(institutionSnapshots.departmentsTotal),
    measures: total(institutionSnapshots.measures),
    measuresDone: total(institutionSnapshots.measuresDone),
    lateTotal: total(institutionSnapshots.lateTotal),
    selfAssessmentsRated: total(institutionSnapshots.selfAssessmentsRated),
    selfAssessmentsExpected: total(institutionSnapshots.selfAssessmentsExpected),
    findingsOpen: total(institutionSnapshots.findingsOpen),
    findingsOverdue: total(institutionSnapshots.findingsOverdue),
    oldest: sql<Date | null>`min(${institutionSnapshots.computedAt}) ${over}`.mapWith(
      institutionSnapshots.computedAt,
    ),
  };
}
export type OverviewSummaryRow = {
  [K in keyof ReturnType<typeof summaryColumns>]: ReturnType<typeof summaryColumns>[K]['_']['type'];
};

/**
 * One page of the overview, sorted and cut in PostgreSQL: institutions without figures last
 * whatever the order, ties by name, then by id so that pages never overlap. Each row carries the
 * sums of everything the search selects (window functions over the same scan, computed before
 * the page is cut): one statement reads the page and its summary.
 */
export async function listOverviewPage(
  executor: Executor,
  selection: OverviewSelection & {
    sort: OverviewSortKey;
    order: 'asc' | 'desc';
    page: number;
    pageSize: number;
  },
): Promise<
  {
    institution: { id: string; name: string };
    snapshot: OverviewSnapshot | null;
    summary: OverviewSummaryRow;
  }[]
> {
  const key = sortExpressions[selection.sort];
  const direction = selection.order === 'asc' ? sql`asc` : sql`desc`;
  return executor
    .select({
      institution: { id: organizations.id, name: organizations.name },
      snapshot: overviewColumns,
      summary: summaryColumns(sql`over ()`),
    })
    .from(organizations)
    .leftJoin(institutionSnapshots, currentSnapshot)
    .where(selected(selection))
    .orderBy(sql`${key} ${direction} nulls last`, asc(nameInChineseOrder), asc(organizations.id))
    .limit(selection.pageSize)
    .offset((selection.page - 1) * selection.pageSize);
}

/** The summary alone, for a page past the last (which has no row to carry it). */
export async function summarizeOverview(
  executor: Executor,
  selection: OverviewSelection,
): Promise<OverviewSummaryRow> {
  const [row] = await executor
    .select(summaryColumns(sql``))
    .from(organizations)
    .leftJoin(institutionSnapshots, currentSnapshot)
    .where(selected(selection));
  return row!;
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
