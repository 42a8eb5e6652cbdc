import { z } from 'zod';
import { reviewCriteria } from '../report/reviews';
import { qualityReportSchema } from '../report/quality-report.contract';

const timestampSchema = z.iso.datetime({ offset: true });
export const reportParamsSchema = z.object({ reportId: z.uuid() });
export const reviewerGroupSchema = z.enum(['teacher', 'student', 'leader']);

export const reportSummarySchema = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  version: z.number().int(),
  status: z.enum(['queued', 'generating', 'ready', 'failed']),
  progress: z.number().int(),
  error: z.string().nullable(),
  requestedAt: timestampSchema,
  generatedAt: timestampSchema.nullable(),
  publishedAt: timestampSchema.nullable(),
  docxBytes: z.number().int().nullable(),
});

const meansSchema = z.object(
  Object.fromEntries(
    reviewCriteria.map((criterion) => [criterion, z.number().nullable()]),
  ) as Record<(typeof reviewCriteria)[number], z.ZodNullable<z.ZodNumber>>,
);

export const reviewAggregateSchema = z.object({
  reviewers: z.number().int(),
  means: meansSchema,
  byGroup: z.array(
    z.object({ group: reviewerGroupSchema, reviewers: z.number().int(), means: meansSchema }),
  ),
  /** Comments without names: representatives speak for their group. */
  comments: z.array(z.object({ group: reviewerGroupSchema, comment: z.string() })),
});

export const reviewBodySchema = z.object({
  representing: reviewerGroupSchema,
  scores: z.object(
    Object.fromEntries(
      reviewCriteria.map((criterion) => [criterion, z.number().int().min(1).max(5)]),
    ) as Record<(typeof reviewCriteria)[number], z.ZodNumber>,
  ),
  comment: z.string().trim().max(4000).default(''),
  /** The version of one's own review last seen; absent for a first review. */
  version: z.number().int().positive().optional(),
});

export const myReviewSchema = reviewBodySchema.extend({ version: z.number().int() }).nullable();

export const reportDetailSchema = reportSummarySchema.extend({
  content: qualityReportSchema.nullable(),
  /** For reviewers: their own review; for the office: the aggregate. */
  myReview: myReviewSchema,
  reviews: reviewAggregateSchema.nullable(),
});

export type ReportSummary = z.infer<typeof reportSummarySchema>;
export type ReportDetail = z.infer<typeof reportDetailSchema>;
export type ReviewAggregateView = z.infer<typeof reviewAggregateSchema>;
