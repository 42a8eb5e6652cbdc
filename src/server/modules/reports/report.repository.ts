import { and, desc, eq, max, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import {
  qualityReports,
  reportReviews,
  type QualityReportRow,
  type ReportReview,
} from './report.table';

/** Everything of a report but its .docx bytes, which only the download reads. */
const withoutDocx = {
  id: qualityReports.id,
  organizationId: qualityReports.organizationId,
  planId: qualityReports.planId,
  version: qualityReports.version,
  status: qualityReports.status,
  progress: qualityReports.progress,
  content: qualityReports.content,
  error: qualityReports.error,
  requestedBy: qualityReports.requestedBy,
  requestedAt: qualityReports.requestedAt,
  generatedAt: qualityReports.generatedAt,
  publishedAt: qualityReports.publishedAt,
  docxBytes: sql<number | null>`octet_length(${qualityReports.docx})`,
};
export type ReportRecord = Omit<QualityReportRow, 'docx'> & { docxBytes: number | null };

export async function lockReportsOfPlan(executor: Executor, planId: string): Promise<void> {
  // Version numbers are taken max + 1: serialize requests for one plan.
  await executor.execute(sql`select pg_advisory_xact_lock(hashtext('reports:' || ${planId}))`);
}

export async function nextReportVersion(executor: Executor, planId: string): Promise<number> {
  const [row] = await executor
    .select({ last: max(qualityReports.version) })
    .from(qualityReports)
    .where(eq(qualityReports.planId, planId));
  return (row?.last ?? 0) + 1;
}

export async function insertReport(
  executor: Executor,
  values: typeof qualityReports.$inferInsert,
): Promise<ReportRecord> {
  const [row] = await executor.insert(qualityReports).values(values).returning(withoutDocx);
  if (!row) throw new Error('insert returned no report');
  return row;
}

export async function listReportsOfPlan(
  executor: Executor,
  organizationId: string,
  planId: string,
): Promise<ReportRecord[]> {
  return executor
    .select(withoutDocx)
    .from(qualityReports)
    .where(
      and(eq(qualityReports.organizationId, organizationId), eq(qualityReports.planId, planId)),
    )
    .orderBy(desc(qualityReports.version));
}

export async function findReport(
  executor: Executor,
  organizationId: string,
  reportId: string,
): Promise<ReportRecord | undefined> {
  const [row] = await executor
    .select(withoutDocx)
    .from(qualityReports)
    .where(and(eq(qualityReports.organizationId, organizationId), eq(qualityReports.id, reportId)));
  return row;
}

export async function findReportById(
  executor: Executor,
  reportId: string,
): Promise<ReportRecord | undefined> {
  const [row] = await executor
    .select(withoutDocx)
    .from(qualityReports)
    .where(eq(qualityReports.id, reportId));
  return row;
}

export async function findReportDocx(
  executor: Executor,
  organizationId: string,
  reportId: string,
): Promise<Buffer | null | undefined> {
  const [row] = await executor
    .select({ docx: qualityReports.docx })
    .from(qualityReports)
    .where(and(eq(qualityReports.organizationId, organizationId), eq(qualityReports.id, reportId)));
  return row ? row.docx : undefined;
}

export async function updateReport(
  executor: Executor,
  reportId: string,
  changes: Partial<typeof qualityReports.$inferInsert>,
): Promise<void> {
  await executor.update(qualityReports).set(changes).where(eq(qualityReports.id, reportId));
}

export async function listReviews(executor: Executor, reportId: string): Promise<ReportReview[]> {
  return executor
    .select()
    .from(reportReviews)
    .where(eq(reportReviews.reportId, reportId))
    .orderBy(reportReviews.createdAt);
}

export async function findReview(
  executor: Executor,
  reportId: string,
  reviewerUserId: string,
): Promise<ReportReview | undefined> {
  const [row] = await executor
    .select()
    .from(reportReviews)
    .where(
      and(eq(reportReviews.reportId, reportId), eq(reportReviews.reviewerUserId, reviewerUserId)),
    );
  return row;
}

export async function insertReview(
  executor: Executor,
  values: typeof reportReviews.$inferInsert,
): Promise<ReportReview> {
  const [row] = await executor.insert(reportReviews).values(values).returning();
  if (!row) throw new Error('insert returned no review');
  return row;
}

export async function updateReviewAtVersion(
  executor: Executor,
  id: string,
  version: number,
  changes: Partial<typeof reportReviews.$inferInsert>,
): Promise<ReportReview | undefined> {
  const [row] = await executor
    .update(reportReviews)
    .set({ ...changes, version: sql`${reportReviews.version} + 1` })
    .where(and(eq(reportReviews.id, id), eq(reportReviews.version, version)))
    .returning();
  return row;
}
