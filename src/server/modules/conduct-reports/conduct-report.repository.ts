import { and, asc, desc, eq, gte, ilike, lt, lte, ne, or, sql } from 'drizzle-orm';
import { teachers } from '../teachers/teacher.table';
import { users } from '../users/user.table';
import type { Executor } from '../../db/client';
import {
  conductReportEvents,
  conductReportFiles,
  conductReportContactRequests,
  conductReportKeys,
  conductReports,
} from './conduct-report.table';

export async function findOrganizationKey(executor: Executor, organizationId: string) {
  const [row] = await executor
    .select()
    .from(conductReportKeys)
    .where(eq(conductReportKeys.organizationId, organizationId));
  return row ?? null;
}

export async function insertOrganizationKey(
  executor: Executor,
  row: typeof conductReportKeys.$inferInsert,
) {
  await executor.insert(conductReportKeys).values(row).onConflictDoNothing();
}

export async function insertReport(executor: Executor, row: typeof conductReports.$inferInsert) {
  const [created] = await executor.insert(conductReports).values(row).returning();
  return created!;
}

export async function findReportByReceiptHash(executor: Executor, receiptHash: string) {
  const [row] = await executor
    .select()
    .from(conductReports)
    .where(eq(conductReports.receiptHash, receiptHash));
  return row ?? null;
}

export async function findReport(executor: Executor, organizationId: string, id: string) {
  const [row] = await executor
    .select()
    .from(conductReports)
    .where(and(eq(conductReports.organizationId, organizationId), eq(conductReports.id, id)));
  return row ?? null;
}

export async function listReports(executor: Executor, organizationId: string) {
  return executor
    .select()
    .from(conductReports)
    .where(eq(conductReports.organizationId, organizationId))
    .orderBy(desc(conductReports.receivedAt));
}

export async function updateReport(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof conductReports.$inferInsert>,
) {
  const [row] = await executor
    .update(conductReports)
    .set({ ...changes, version: version + 1 })
    .where(and(eq(conductReports.id, id), eq(conductReports.version, version)))
    .returning();
  return row ?? null;
}

export async function insertEvent(
  executor: Executor,
  row: typeof conductReportEvents.$inferInsert,
) {
  const [created] = await executor.insert(conductReportEvents).values(row).returning();
  return created!;
}

export async function listEvents(executor: Executor, reportId: string) {
  return executor
    .select()
    .from(conductReportEvents)
    .where(eq(conductReportEvents.reportId, reportId))
    .orderBy(asc(conductReportEvents.seq));
}

export async function insertFile(executor: Executor, row: typeof conductReportFiles.$inferInsert) {
  await executor.insert(conductReportFiles).values(row);
}

/** A case's files, each with the name of the user who uploaded it (null when none is recorded). */
export async function listFiles(executor: Executor, reportId: string) {
  return executor
    .select({ file: conductReportFiles, uploaderName: users.displayName })
    .from(conductReportFiles)
    .leftJoin(users, eq(users.id, conductReportFiles.uploadedBy))
    .where(eq(conductReportFiles.reportId, reportId))
    .orderBy(asc(conductReportFiles.at));
}

export async function findFile(executor: Executor, reportId: string, fileId: string) {
  const [row] = await executor
    .select()
    .from(conductReportFiles)
    .where(and(eq(conductReportFiles.reportId, reportId), eq(conductReportFiles.id, fileId)));
  return row ?? null;
}

/** Counts of one organization's cases received in a year (from `start` to `end`), no content. */
/** A year of the Beijing calendar (UTC+8, no daylight saving) as instants: [start, end). */
export function beijingYearBounds(year: number): { start: Date; end: Date } {
  const offset = 8 * 60 * 60 * 1000;
  return {
    start: new Date(Date.UTC(year, 0, 1) - offset),
    end: new Date(Date.UTC(year + 1, 0, 1) - offset),
  };
}

export async function countReportsByYear(
  executor: Executor,
  organizationId: string,
  start: Date,
  end: Date,
) {
  const [row] = await executor
    .select({
      received: sql<number>`count(*)::int`,
      closed: sql<number>`count(*) filter (where ${conductReports.state} = 'closed')::int`,
      handledOnTime: sql<number>`count(*) filter (where ${conductReports.handledOnTime})::int`,
      founded: sql<number>`count(*) filter (where ${conductReports.outcome} = 'founded')::int`,
      partly: sql<number>`count(*) filter (where ${conductReports.outcome} = 'partly')::int`,
      unfounded: sql<number>`count(*) filter (where ${conductReports.outcome} = 'unfounded')::int`,
    })
    .from(conductReports)
    .where(
      and(
        eq(conductReports.organizationId, organizationId),
        gte(conductReports.receivedAt, start),
        lt(conductReports.receivedAt, end),
      ),
    );
  const [moves] = await executor
    .select({
      notified: sql<number>`count(distinct ${conductReportEvents.reportId}) filter (where ${conductReportEvents.toState} = 'notified')::int`,
      clarified: sql<number>`count(distinct ${conductReportEvents.reportId}) filter (where ${conductReportEvents.toState} = 'clarified')::int`,
    })
    .from(conductReportEvents)
    .innerJoin(conductReports, eq(conductReports.id, conductReportEvents.reportId))
    .where(
      and(
        eq(conductReports.organizationId, organizationId),
        gte(conductReports.receivedAt, start),
        lt(conductReports.receivedAt, end),
      ),
    );
  return { ...row!, ...moves! };
}

export async function listContactRequests(executor: Executor, reportId: string) {
  return executor
    .select()
    .from(conductReportContactRequests)
    .where(eq(conductReportContactRequests.reportId, reportId))
    .orderBy(asc(conductReportContactRequests.requestedAt));
}

export async function insertContactRequest(
  executor: Executor,
  row: typeof conductReportContactRequests.$inferInsert,
) {
  const [created] = await executor.insert(conductReportContactRequests).values(row).returning();
  return created!;
}

/** Approves a pending request (once): null when it was not pending. */
export async function approveContactRequest(
  executor: Executor,
  organizationId: string,
  id: string,
  approval: { approvedBy: string; approverName: string; approvedAt: Date },
) {
  const [row] = await executor
    .update(conductReportContactRequests)
    .set(approval)
    .where(
      and(
        eq(conductReportContactRequests.organizationId, organizationId),
        eq(conductReportContactRequests.id, id),
        sql`${conductReportContactRequests.approvedAt} is null`,
      ),
    )
    .returning();
  return row ?? null;
}

/** Open cases past their current state's deadline, across organizations (the reminder sweep). */
export async function listLateReports(executor: Executor, now: Date) {
  return executor
    .select()
    .from(conductReports)
    .where(and(ne(conductReports.state, 'closed'), lte(conductReports.stageDueAt, now)));
}

const rosterColumns = {
  id: teachers.id,
  name: teachers.name,
  workNo: teachers.workNo,
  departmentName: teachers.departmentName,
};

/** A teacher of the organization's roster, as the handler sees them; null when not of it. */
export async function findRosterTeacher(executor: Executor, organizationId: string, id: string) {
  const [row] = await executor
    .select(rosterColumns)
    .from(teachers)
    .where(and(eq(teachers.organizationId, organizationId), eq(teachers.id, id)));
  return row ?? null;
}

/** Active teachers of the organization whose name or work number holds `q` (at most 20). */
export async function searchRoster(executor: Executor, organizationId: string, q: string) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return executor
    .select(rosterColumns)
    .from(teachers)
    .where(
      and(
        eq(teachers.organizationId, organizationId),
        eq(teachers.active, true),
        q ? or(ilike(teachers.name, pattern), ilike(teachers.workNo, pattern)) : undefined,
      ),
    )
    .orderBy(asc(teachers.workNo))
    .limit(20);
}
