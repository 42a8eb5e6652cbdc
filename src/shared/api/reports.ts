import { z } from 'zod';
import { timestampSchema } from './common';
import { reviewCriteria } from '../report/reviews';
import { qualityReportSchema } from '../report/quality-report.contract';
import { DOCX, XLSX, defineOperation, fileResponse } from './operation';
import { idParamsSchema } from './contracts';
import { organizationStaff } from '../access';

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

/** The reports operations: what the server serves and the web calls. */
export const reportsApi = {
  request: defineOperation({
    id: 'reports.request',
    method: 'POST',
    path: '/api/v1/plans/:id/reports',
    tags: ['reports'],
    description:
      'Queues the generation of a new version of the quality report (a job; poll the report for progress).',
    params: idParamsSchema,
    response: reportSummarySchema,
    status: 202,
    access: organizationStaff,
  }),
  list: defineOperation({
    id: 'reports.list',
    method: 'GET',
    path: '/api/v1/plans/:id/reports',
    tags: ['reports'],
    params: idParamsSchema,
    response: z.array(reportSummarySchema),
    access: ['admin', 'coordinator', 'leader', 'reviewer'],
  }),
  get: defineOperation({
    id: 'reports.get',
    method: 'GET',
    path: '/api/v1/reports/:reportId',
    tags: ['reports'],
    params: reportParamsSchema,
    response: reportDetailSchema,
    access: ['admin', 'coordinator', 'leader', 'reviewer'],
  }),
  docx: defineOperation({
    id: 'reports.docx',
    method: 'GET',
    path: '/api/v1/reports/:reportId/docx',
    tags: ['reports'],
    description: 'The quality report as a .docx (A4, official layout).',
    params: reportParamsSchema,
    response: fileResponse,
    produces: [DOCX],
    access: ['admin', 'coordinator', 'leader', 'reviewer'],
  }),
  publish: defineOperation({
    id: 'reports.publish',
    method: 'POST',
    path: '/api/v1/reports/:reportId/publish',
    tags: ['reports'],
    description: "Opens the report to representatives' review.",
    params: reportParamsSchema,
    response: reportSummarySchema,
    access: organizationStaff,
  }),
  review: defineOperation({
    id: 'reports.review',
    method: 'PUT',
    path: '/api/v1/reports/:reportId/review',
    tags: ['reports'],
    description: "A representative's own review: scores 1–5 per criterion and a comment.",
    params: reportParamsSchema,
    body: reviewBodySchema,
    response: reportDetailSchema,
    access: ['reviewer'],
  }),
  performanceSheet: defineOperation({
    id: 'reports.performanceSheet',
    method: 'GET',
    path: '/api/v1/plans/:id/performance-sheet',
    tags: ['reports'],
    description:
      "Each department's score for the annual performance review, as .xlsx with the formula in the sheet.",
    params: idParamsSchema,
    response: fileResponse,
    produces: [XLSX],
    access: ['admin', 'coordinator', 'leader'],
  }),
} as const;
