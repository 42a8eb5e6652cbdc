import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { QualityReport } from '../../../shared/report/quality-report.contract';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const reportStatuses = ['queued', 'generating', 'ready', 'failed'] as const;

/**
 * One generation of a plan's quality report (质量报告): the figures as computed then (so a
 * published report never changes under its reviewers) and the .docx made from them.
 */
export const qualityReports = pgTable(
  'quality_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    /** 1, 2, … per plan: each generation is kept. */
    version: integer('version').notNull(),
    status: text('status', { enum: reportStatuses }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    content: jsonb('content').$type<QualityReport>(),
    docx: bytea('docx'),
    error: text('error'),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true }),
    /** Open for representatives' review from this moment. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('quality_reports_plan_version_unique').on(table.planId, table.version),
    index('quality_reports_organization_idx').on(table.organizationId, table.planId),
    check('quality_reports_progress_range', sql`${table.progress} between 0 and 100`),
  ],
);

export const reviewerGroups = ['teacher', 'student', 'leader'] as const;

/** A representative's evaluation of a published report (item 57): scores 1–5 and a comment. */
export const reportReviews = pgTable(
  'report_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    reportId: uuid('report_id')
      .notNull()
      .references(() => qualityReports.id),
    reviewerUserId: uuid('reviewer_user_id').notNull(),
    representing: text('representing', { enum: reviewerGroups }).notNull(),
    /** criterion key → score 1..5 */
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    comment: text('comment').notNull().default(''),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('report_reviews_report_reviewer_unique').on(table.reportId, table.reviewerUserId),
  ],
);

export type QualityReportRow = typeof qualityReports.$inferSelect;
export type ReportReview = typeof reportReviews.$inferSelect;
