import { z } from 'zod';
import { timestampSchema } from './common';
import { findingKinds, findingStates, findingTransitions } from '../findings/finding-states';
import { isoDateSchema } from '../plan-import/contract';
import { evidenceIdsSchema } from './conclusion';
import { XLSX, defineOperation, fileResponse } from './operation';
import { idParamsSchema } from './contracts';
import { organizationStaff } from '../access';

export const findingParamsSchema = z.object({ id: z.uuid(), findingId: z.uuid() });
export const findingStateSchema = z.enum(findingStates);
export const findingKindSchema = z.enum(findingKinds);

export const findingViewSchema = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  no: z.number().int(),
  title: z.string(),
  description: z.string(),
  kind: findingKindSchema,
  state: findingStateSchema,
  ownerDepartment: z.object({ id: z.uuid(), name: z.string() }),
  departments: z.array(z.object({ id: z.uuid(), name: z.string() })),
  items: z.array(z.object({ id: z.uuid(), no: z.number().int() })),
  dueOn: isoDateSchema,
  /** Open after its due date (by the Beijing calendar day). */
  overdue: z.boolean(),
  originFindingId: z.uuid().nullable(),
  carriedToFindingId: z.uuid().nullable(),
  actionCount: z.number().int(),
  verifiedAt: timestampSchema.nullable(),
  version: z.number().int(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  /** What the caller may do to it now. */
  transitions: z.array(z.enum(findingTransitions)),
});

export const rectificationActionViewSchema = z.object({
  id: z.uuid(),
  text: z.string(),
  evidenceIds: z.array(z.uuid()),
  departmentName: z.string(),
  actorName: z.string(),
  at: timestampSchema,
});

export const findingEventViewSchema = z.object({
  action: z.enum(['create', ...findingTransitions]),
  fromState: findingStateSchema.nullable(),
  toState: findingStateSchema,
  comment: z.string().nullable(),
  actorName: z.string(),
  at: timestampSchema,
});

export const findingDetailSchema = findingViewSchema.extend({
  actions: z.array(rectificationActionViewSchema),
  events: z.array(findingEventViewSchema),
  origin: z
    .object({ id: z.uuid(), planId: z.uuid(), cycleYear: z.number().int(), no: z.number().int() })
    .nullable(),
  carriedTo: z
    .object({ id: z.uuid(), planId: z.uuid(), cycleYear: z.number().int(), no: z.number().int() })
    .nullable(),
});

const titleSchema = z.string().trim().min(1).max(200);
const descriptionSchema = z.string().trim().max(5000);
export const createFindingBodySchema = z.object({
  title: titleSchema,
  description: descriptionSchema.default(''),
  kind: findingKindSchema,
  ownerDepartmentId: z.uuid(),
  /** Other departments concerned; the owner is always among them. */
  departmentIds: z.array(z.uuid()).max(200).default([]),
  itemIds: z.array(z.uuid()).min(1).max(60),
  dueOn: isoDateSchema,
});

export const updateFindingBodySchema = z.object({
  version: z.number().int().positive(),
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  kind: findingKindSchema.optional(),
  ownerDepartmentId: z.uuid().optional(),
  departmentIds: z.array(z.uuid()).max(200).optional(),
  itemIds: z.array(z.uuid()).min(1).max(60).optional(),
  dueOn: isoDateSchema.optional(),
});

export const recordActionBodySchema = z.object({
  version: z.number().int().positive(),
  text: z.string().trim().min(1).max(3000),
  evidenceIds: evidenceIdsSchema,
});
export const requestVerificationBodySchema = z.object({
  version: z.number().int().positive(),
  comment: z.string().trim().max(2000).optional(),
});
export const verifyBodySchema = z.object({
  version: z.number().int().positive(),
  note: z.string().trim().max(2000).optional(),
});
export const reopenBodySchema = z.object({
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(2000),
});

export const findingListQuerySchema = z.object({
  state: findingStateSchema.optional(),
  kind: findingKindSchema.optional(),
  departmentId: z.uuid().optional(),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
});

export const findingListSchema = z.object({
  /** The Beijing calendar day lateness is judged by. */
  today: isoDateSchema,
  rows: z.array(findingViewSchema),
});

export const nextYearPreviewSchema = z.object({
  plan: z.object({ id: z.uuid(), title: z.string(), cycleYear: z.number().int() }),
  cycleYear: z.number().int(),
  /** A plan already started from this one, if any. */
  existingPlanId: z.uuid().nullable(),
  /** Open carried-over findings: all go into next year's plan. */
  carried: z.array(findingViewSchema),
  /** Open immediate findings: each must be verified first, or explicitly carried over. */
  blocking: z.array(findingViewSchema),
});

export const startNextYearBodySchema = z.object({
  /** Open immediate findings the coordinating office chooses to carry over as well. */
  carryOver: z.array(z.uuid()).max(500).default([]),
  /** The new plan's phase dates, by position; a phase left out is this year's a year later. */
  phases: z
    .array(
      z.object({
        position: z.number().int(),
        startsOn: isoDateSchema.nullable(),
        endsOn: isoDateSchema.nullable(),
      }),
    )
    .max(20)
    .default([]),
  /** The new plan's deadlines, by this plan's deliverable; one left out is a year later. */
  deliverables: z
    .array(z.object({ fromId: z.uuid(), dueOn: isoDateSchema }))
    .max(100)
    .default([]),
});

export const startNextYearResultSchema = z.object({
  planId: z.uuid(),
  cycleYear: z.number().int(),
  carried: z.array(
    z.object({
      fromFindingId: z.uuid(),
      toFindingId: z.uuid(),
      no: z.number().int(),
      title: z.string(),
    }),
  ),
});

export type FindingView = z.infer<typeof findingViewSchema>;
export type FindingDetail = z.infer<typeof findingDetailSchema>;
export type FindingList = z.infer<typeof findingListSchema>;
export type NextYearPreview = z.infer<typeof nextYearPreviewSchema>;
export type StartNextYearResult = z.infer<typeof startNextYearResultSchema>;

/** The findings operations: what the server serves and the web calls. */
export const findingsApi = {
  list: defineOperation({
    id: 'findings.list',
    method: 'GET',
    path: '/api/v1/plans/:id/findings',
    tags: ['findings'],
    params: idParamsSchema,
    query: findingListQuerySchema,
    response: findingListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  create: defineOperation({
    id: 'findings.create',
    method: 'POST',
    path: '/api/v1/plans/:id/findings',
    tags: ['findings'],
    params: idParamsSchema,
    body: createFindingBodySchema,
    response: findingDetailSchema,
    status: 201,
    access: organizationStaff,
  }),
  get: defineOperation({
    id: 'findings.get',
    method: 'GET',
    path: '/api/v1/plans/:id/findings/:findingId',
    tags: ['findings'],
    params: findingParamsSchema,
    response: findingDetailSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  update: defineOperation({
    id: 'findings.update',
    method: 'PATCH',
    path: '/api/v1/plans/:id/findings/:findingId',
    tags: ['findings'],
    params: findingParamsSchema,
    body: updateFindingBodySchema,
    response: findingDetailSchema,
    access: organizationStaff,
  }),
  recordAction: defineOperation({
    id: 'findings.recordAction',
    method: 'POST',
    path: '/api/v1/plans/:id/findings/:findingId/actions',
    tags: ['findings'],
    description: 'The owner department records a rectification action (整改措施) with evidence.',
    params: findingParamsSchema,
    body: recordActionBodySchema,
    response: findingDetailSchema,
    access: ['liaison'],
  }),
  requestVerification: defineOperation({
    id: 'findings.requestVerification',
    method: 'POST',
    path: '/api/v1/plans/:id/findings/:findingId/request-verification',
    tags: ['findings'],
    params: findingParamsSchema,
    body: requestVerificationBodySchema,
    response: findingDetailSchema,
    access: ['liaison'],
  }),
  verify: defineOperation({
    id: 'findings.verify',
    method: 'POST',
    path: '/api/v1/plans/:id/findings/:findingId/verify',
    tags: ['findings'],
    description:
      'Only the coordinating office closes a finding, by verifying its rectification (核验).',
    params: findingParamsSchema,
    body: verifyBodySchema,
    response: findingDetailSchema,
    access: organizationStaff,
  }),
  reopen: defineOperation({
    id: 'findings.reopen',
    method: 'POST',
    path: '/api/v1/plans/:id/findings/:findingId/reopen',
    tags: ['findings'],
    params: findingParamsSchema,
    body: reopenBodySchema,
    response: findingDetailSchema,
    access: organizationStaff,
  }),
  plansNextYearPreview: defineOperation({
    id: 'plans.nextYearPreview',
    method: 'GET',
    path: '/api/v1/plans/:id/next-year',
    tags: ['findings'],
    description:
      "What starting next year's plan would carry over, and which open immediate findings block it.",
    params: idParamsSchema,
    response: nextYearPreviewSchema,
    access: organizationStaff,
  }),
  plansStartNextYear: defineOperation({
    id: 'plans.startNextYear',
    method: 'POST',
    path: '/api/v1/plans/:id/next-year',
    tags: ['findings'],
    description:
      '开启下一年度: copy the plan for cycle year + 1 and bring every open carried-over finding (and the immediate ones named in carryOver) into it.',
    params: idParamsSchema,
    body: startNextYearBodySchema,
    response: startNextYearResultSchema,
    status: 201,
    access: organizationStaff,
  }),
  export: defineOperation({
    id: 'findings.export',
    method: 'GET',
    path: '/api/v1/plans/:id/findings/export',
    description: '问题清单 as .xlsx, with the same filters as the list.',
    params: idParamsSchema,
    query: findingListQuerySchema,
    response: fileResponse,
    produces: [XLSX],
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
} as const;
