import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { timestampSchema } from './common';
import { isoDateSchema } from '../plan-import/contract';
import { defineOperation } from './operation';
import { idParamsSchema } from './contracts';
import { departmentEditors, organizationStaff } from '../access';

/** Files or links (佐证材料) a record points at, by evidence id. */
export const evidenceIdsSchema = z.array(z.uuid()).max(50).default([]);

export const ratingLevelSchema = z.object({
  label: z.string().trim().min(1).max(20),
  score: z.number().min(0).max(100),
});

export const ratingScaleViewSchema = z.object({
  planId: z.uuid(),
  levels: z.array(ratingLevelSchema),
  /** False while the plan uses the default scale. */
  custom: z.boolean(),
  /** True once any rating is given: the scale can no longer change. */
  locked: z.boolean(),
  /** 0 while the plan uses the default scale. */
  version: z.number().int(),
});

export const setRatingScaleBodySchema = z
  .object({ version: z.number().int().min(0), levels: z.array(ratingLevelSchema).min(2).max(7) })
  .refine((body) => new Set(body.levels.map((level) => level.label)).size === body.levels.length, {
    message: 'each level needs its own label',
    path: ['levels'],
  });

export const conclusionParamsSchema = z.object({ id: z.uuid(), departmentId: z.uuid() });
export const selfAssessmentParamsSchema = conclusionParamsSchema.extend({ itemId: z.uuid() });
export const moderationParamsSchema = z.object({ id: z.uuid(), itemId: z.uuid() });

export const summaryStatusSchema = z.enum(['not_started', 'draft', 'submitted', 'returned']);

export const summaryViewSchema = z.object({
  department: z.object({ id: z.uuid(), name: z.string() }),
  status: summaryStatusSchema,
  highlights: z.string(),
  results: z.string(),
  cases: z.string(),
  evidenceIds: z.array(z.uuid()),
  returnComment: z.string().nullable(),
  submittedAt: timestampSchema.nullable(),
  /** 0 before the first save. */
  version: z.number().int(),
  updatedAt: timestampSchema.nullable(),
});

const summaryTextSchema = z.string().trim().max(10000);
export const saveSummaryBodySchema = z.object({
  /** The version the client last saw (0 before the first save): a stale one is refused. */
  version: z.number().int().min(0),
  highlights: summaryTextSchema,
  results: summaryTextSchema,
  cases: summaryTextSchema,
  evidenceIds: evidenceIdsSchema,
});
export const returnSummaryBodySchema = z.object({ comment: z.string().trim().min(1).max(2000) });

export const departmentRatingSchema = z.object({
  rating: z.string(),
  score: z.number().nullable(),
  justification: z.string(),
  evidenceIds: z.array(z.uuid()),
  version: z.number().int(),
  updatedAt: timestampSchema,
});

export const rateItemBodySchema = z.object({
  /** 0 for a first rating. */
  version: z.number().int().min(0),
  rating: z.string().trim().min(1).max(20),
  justification: z.string().trim().min(1).max(3000),
  evidenceIds: evidenceIdsSchema,
});

const indicatorRefSchema = z.object({ code: z.string(), title: z.string() });

export const conclusionItemSchema = z.object({
  id: z.uuid(),
  no: z.number().int(),
  content: z.string(),
  focus: z.string(),
  role: z.enum(assignmentRoles),
  level1: indicatorRefSchema,
  level2: indicatorRefSchema,
  mine: departmentRatingSchema.nullable(),
  /** The coordinating office's moderated rating, once given. */
  institution: z.object({ rating: z.string(), note: z.string() }).nullable(),
});

export const conclusionNextSteps = [
  'write_summary',
  'rate_items',
  'submit',
  'returned',
  'submitted',
] as const;

/** A department's conclude phase: its summary and its rating of each item it answers for. */
export const conclusionViewSchema = z.object({
  planId: z.uuid(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  summaryDueOn: isoDateSchema.nullable(),
  late: z.boolean(),
  scale: z.array(ratingLevelSchema),
  summary: summaryViewSchema,
  items: z.array(conclusionItemSchema),
  rated: z.number().int(),
  next: z.enum(conclusionNextSteps),
});

export const summaryListSchema = z.object({
  summaryDueOn: isoDateSchema.nullable(),
  rows: z.array(
    summaryViewSchema.extend({
      itemCount: z.number().int(),
      rated: z.number().int(),
      late: z.boolean(),
    }),
  ),
});

export const rollupSchema = z.object({
  code: z.string(),
  title: z.string(),
  parentCode: z.string().nullable(),
  items: z.number().int(),
  rated: z.number().int(),
  unrated: z.number().int(),
  meanScore: z.number().nullable(),
  distribution: z.array(z.object({ label: z.string(), count: z.number().int() })),
});

export const institutionRatingSchema = z.object({
  rating: z.string(),
  score: z.number().nullable(),
  note: z.string(),
  moderatedBy: z.string(),
  version: z.number().int(),
  updatedAt: timestampSchema,
});

export const moderationRowSchema = z.object({
  itemId: z.uuid(),
  no: z.number().int(),
  content: z.string(),
  focus: z.string(),
  level1: indicatorRefSchema,
  level2: indicatorRefSchema,
  /** Every responsible department, rated or not, side by side. */
  departments: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      role: z.enum(assignmentRoles),
      summaryStatus: summaryStatusSchema,
      rating: departmentRatingSchema.nullable(),
    }),
  ),
  institution: institutionRatingSchema.nullable(),
});

export const moderationViewSchema = z.object({
  planId: z.uuid(),
  scale: z.array(ratingLevelSchema),
  rows: z.array(moderationRowSchema),
  /** The institution's ratings rolled up by indicator. */
  rollups: z.object({ level1: z.array(rollupSchema), level2: z.array(rollupSchema) }),
});

export const moderateBodySchema = z.object({
  version: z.number().int().min(0),
  rating: z.string().trim().min(1).max(20),
  note: z.string().trim().max(2000).default(''),
});

export type RatingScaleView = z.infer<typeof ratingScaleViewSchema>;
export type SummaryView = z.infer<typeof summaryViewSchema>;
export type ConclusionView = z.infer<typeof conclusionViewSchema>;
export type ConclusionItem = z.infer<typeof conclusionItemSchema>;
export type DepartmentRating = z.infer<typeof departmentRatingSchema>;
export type SummaryList = z.infer<typeof summaryListSchema>;
export type ModerationView = z.infer<typeof moderationViewSchema>;
export type ModerationRow = z.infer<typeof moderationRowSchema>;
export type InstitutionRatingView = z.infer<typeof institutionRatingSchema>;
export type RollupView = z.infer<typeof rollupSchema>;

/** The conclusion operations: what the server serves and the web calls. */
export const conclusionApi = {
  ratingScaleGet: defineOperation({
    id: 'ratingScale.get',
    method: 'GET',
    path: '/api/v1/plans/:id/rating-scale',
    tags: ['conclusion'],
    params: idParamsSchema,
    response: ratingScaleViewSchema,
    // conclude phase: summaries, self-assessment, moderation; findings and rectification; next year's plan
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  ratingScaleSet: defineOperation({
    id: 'ratingScale.set',
    method: 'PUT',
    path: '/api/v1/plans/:id/rating-scale',
    tags: ['conclusion'],
    description: "The plan's own rating scale; refused once any item is rated.",
    params: idParamsSchema,
    body: setRatingScaleBodySchema,
    response: ratingScaleViewSchema,
    access: organizationStaff,
  }),
  summariesList: defineOperation({
    id: 'summaries.list',
    method: 'GET',
    path: '/api/v1/plans/:id/summaries',
    tags: ['conclusion'],
    params: idParamsSchema,
    response: summaryListSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  get: defineOperation({
    id: 'conclusion.get',
    method: 'GET',
    path: '/api/v1/plans/:id/conclusion/:departmentId',
    tags: ['conclusion'],
    description: "A department's summary and its self-assessment of each item it answers for.",
    params: conclusionParamsSchema,
    response: conclusionViewSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  summariesSave: defineOperation({
    id: 'summaries.save',
    method: 'PUT',
    path: '/api/v1/plans/:id/conclusion/:departmentId/summary',
    tags: ['conclusion'],
    params: conclusionParamsSchema,
    body: saveSummaryBodySchema,
    response: conclusionViewSchema,
    access: departmentEditors,
  }),
  summariesSubmit: defineOperation({
    id: 'summaries.submit',
    method: 'POST',
    path: '/api/v1/plans/:id/conclusion/:departmentId/submit',
    tags: ['conclusion'],
    params: conclusionParamsSchema,
    response: conclusionViewSchema,
    access: departmentEditors,
  }),
  summariesReturn: defineOperation({
    id: 'summaries.return',
    method: 'POST',
    path: '/api/v1/plans/:id/conclusion/:departmentId/return',
    tags: ['conclusion'],
    params: conclusionParamsSchema,
    body: returnSummaryBodySchema,
    response: conclusionViewSchema,
    access: organizationStaff,
  }),
  selfAssessmentsRate: defineOperation({
    id: 'selfAssessments.rate',
    method: 'PUT',
    path: '/api/v1/plans/:id/conclusion/:departmentId/items/:itemId',
    tags: ['conclusion'],
    params: selfAssessmentParamsSchema,
    body: rateItemBodySchema,
    response: conclusionViewSchema,
    access: departmentEditors,
  }),
  moderationGet: defineOperation({
    id: 'moderation.get',
    method: 'GET',
    path: '/api/v1/plans/:id/moderation',
    tags: ['conclusion'],
    params: idParamsSchema,
    response: moderationViewSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  moderationSet: defineOperation({
    id: 'moderation.set',
    method: 'PUT',
    path: '/api/v1/plans/:id/moderation/:itemId',
    tags: ['conclusion'],
    params: moderationParamsSchema,
    body: moderateBodySchema,
    response: institutionRatingSchema,
    access: organizationStaff,
  }),
} as const;
