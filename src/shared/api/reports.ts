import { z } from 'zod';
import { timestampSchema } from './common';
import { reviewCriteria } from '../report/reviews';
import { figureKinds } from '../report/figure-records';
import { qualityReportSchema, recordRefSchema } from '../report/quality-report.contract';
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

/** A figure's records: which figure (its ref, as the report links it) and which page of its rows. */
export const figureRecordsQuerySchema = z.object({
  page: recordRefSchema.shape.page,
  /** The ref's filters as a query string (plan=…&departmentId=…), exactly as the report holds them. */
  filters: z.string().max(2000).default(''),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const countedSchema = z.object({
  /** In the figure's numerator (a rate), or among what a count counts. */
  counted: z.boolean(),
});

/** A measure (completion) or a measure's report for one period (on time), with what was reported. */
const ledgerRecordSchema = countedSchema.extend({
  itemNo: z.number().int(),
  measure: z.string(),
  department: z.string(),
  /** The period reported (completion: the latest one reported), null when nothing is reported. */
  period: z.string().nullable(),
  dueOn: z.string().nullable(),
  submittedOn: z.string().nullable(),
  status: z.string().nullable(),
  note: z.string(),
  evidence: z.array(z.string()),
});
const obligationRecordSchema = countedSchema.extend({
  itemNo: z.number().int(),
  requirement: z.string(),
  department: z.string().nullable(),
  period: z.string(),
  status: z.enum(['met', 'late']),
});
const assessmentRecordSchema = countedSchema.extend({
  itemNo: z.number().int(),
  item: z.string(),
  level1Code: z.string(),
  /** The office's moderated rating of the item. */
  rating: z.string().nullable(),
  /** Each department's own rating of it. */
  selfRatings: z.array(z.object({ department: z.string(), rating: z.string() })),
});
const findingRecordSchema = countedSchema.extend({
  no: z.number().int(),
  title: z.string(),
  kind: z.string(),
  department: z.string(),
  state: z.string(),
  dueOn: z.string().nullable(),
  overdue: z.boolean(),
});
const summaryRecordSchema = countedSchema.extend({
  department: z.string(),
  highlights: z.string(),
  results: z.string(),
  evidence: z.array(z.string()),
});
/** A survey's aggregates only: never one respondent's answers, nothing below the threshold. */
const surveyRecordSchema = countedSchema.extend({
  question: z.string(),
  answered: z.number().int(),
  mean: z.number().nullable(),
  favourable: z.number().int().nullable(),
  favourableOf: z.number().int().nullable(),
});
/** Coverage counted per department: no teacher's name leaves the server. */
const coverageRecordSchema = countedSchema.extend({
  department: z.string(),
  required: z.number().int(),
  covered: z.number().int(),
});
const satisfactionRecordSchema = countedSchema.extend({
  itemNo: z.number().int(),
  source: z.string(),
  value: z.number(),
  sample: z.number().int().nullable(),
  note: z.string(),
  evidence: z.array(z.string()),
});

export const figureRecordsSchema = z.object({
  report: z.object({
    id: z.uuid(),
    planId: z.uuid(),
    version: z.number().int(),
    title: z.string(),
    asOf: z.string(),
  }),
  figure: z.object({
    kind: z.enum(figureKinds),
    name: z.string().nullable(),
    value: z.number().nullable(),
    numerator: z.number().int().nullable(),
    denominator: z.number().int().nullable(),
  }),
  /** The same counts from the records as they are now (they may have moved since the report was generated). */
  current: z.object({
    numerator: z.number().int().nullable(),
    denominator: z.number().int().nullable(),
  }),
  /** Survey figures: how many were invited and answered, and the threshold below which nothing is shown. */
  survey: z
    .object({ invited: z.number().int(), responded: z.number().int(), threshold: z.number().int() })
    .nullable(),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  records: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('ledger'), rows: z.array(ledgerRecordSchema) }),
    z.object({ kind: z.literal('obligations'), rows: z.array(obligationRecordSchema) }),
    z.object({ kind: z.literal('assessments'), rows: z.array(assessmentRecordSchema) }),
    z.object({ kind: z.literal('findings'), rows: z.array(findingRecordSchema) }),
    z.object({ kind: z.literal('summaries'), rows: z.array(summaryRecordSchema) }),
    z.object({ kind: z.literal('surveys'), rows: z.array(surveyRecordSchema) }),
    z.object({ kind: z.literal('activities'), rows: z.array(coverageRecordSchema) }),
    z.object({ kind: z.literal('satisfaction'), rows: z.array(satisfactionRecordSchema) }),
  ]),
});
export type FigureRecords = z.infer<typeof figureRecordsSchema>;
export type FigureRecordsQuery = z.output<typeof figureRecordsQuerySchema>;

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
  figureRecords: defineOperation({
    id: 'reports.figureRecords',
    method: 'GET',
    path: '/api/v1/reports/:reportId/figure-records',
    tags: ['reports'],
    description:
      "The records behind one of the report's figures, read-only (a reviewer: only a published report's own figures).",
    params: reportParamsSchema,
    query: figureRecordsQuerySchema,
    response: figureRecordsSchema,
    access: ['admin', 'coordinator', 'leader', 'reviewer'],
  }),
} as const;
