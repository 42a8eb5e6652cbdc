import { z } from 'zod';
import { timestampSchema } from './common';
import { defineOperation } from './operation';
import { idParamsSchema, planDetailSchema, planSummarySchema, planTreeSchema } from './contracts';
import { workingRoles } from '../access';
import { assignmentRoles } from '../assignments';
import { deadlineKinds } from '../deadlines';
import { isoDateSchema } from '../plan-import/contract';
import { phaseViewSchema, deliverableViewSchema } from './contracts';
import { organizationStaff } from '../access';

/** Editing a plan on the web (方案维护) and departments' extension requests (延期申请). */

export const planPhaseParamsSchema = z.object({ id: z.uuid(), phaseId: z.uuid() });
export const planDeliverableParamsSchema = z.object({ id: z.uuid(), deliverableId: z.uuid() });
export const planItemParamsSchema = z.object({ id: z.uuid(), itemId: z.uuid() });
export const extensionParamsSchema = z.object({ id: z.uuid(), requestId: z.uuid() });

export const updatePhaseBodySchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  startsOn: isoDateSchema.nullable(),
  endsOn: isoDateSchema.nullable(),
});

export const updateDeliverableBodySchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  dueOn: isoDateSchema,
});

const itemTextSchema = z.string().trim().min(1).max(4000);
export const createItemBodySchema = z.object({
  /** The level-2 indicator the new item goes under. */
  indicatorId: z.uuid(),
  content: itemTextSchema,
  focus: z.string().trim().max(4000).default(''),
});
export const updateItemBodySchema = z
  .object({ content: itemTextSchema.optional(), focus: z.string().trim().max(4000).optional() })
  .refine((body) => body.content !== undefined || body.focus !== undefined, {
    message: 'content or focus',
  });
export const retireItemBodySchema = z.object({ reason: z.string().trim().min(1).max(500) });

/** What depends on an item in a plan: shown before the office retires it. */
export const itemDependentsSchema = z.object({
  item: z.object({ id: z.uuid(), no: z.number().int(), content: z.string() }),
  retired: z.boolean(),
  assignments: z.array(z.object({ name: z.string(), role: z.enum(assignmentRoles) })),
  measures: z.array(
    z.object({ id: z.uuid(), departmentName: z.string(), text: z.string(), dueOn: isoDateSchema }),
  ),
  progressReports: z.number().int(),
  findings: z.array(z.object({ id: z.uuid(), no: z.number().int(), title: z.string() })),
  obligations: z.number().int(),
});

export const itemRefSchema = z.object({ id: z.uuid(), no: z.number().int(), content: z.string() });

export const planRevisionViewSchema = z.object({
  revision: z.number().int(),
  kind: z.string(),
  summary: z.string(),
  actorName: z.string(),
  at: timestampSchema,
  before: z.unknown(),
  after: z.unknown(),
});
export const planRevisionListSchema = z.array(planRevisionViewSchema);

// ---- extension requests (延期申请)

export const extensionTargetSchema = z.enum(['measure', 'deliverable']);
export const extensionStatusSchema = z.enum(['pending', 'approved', 'refused', 'withdrawn']);

export const createExtensionBodySchema = z
  .object({
    target: extensionTargetSchema,
    measureId: z.uuid().optional(),
    deliverableId: z.uuid().optional(),
    /** The department asking; a liaison may only name their own (or leave it out). */
    departmentId: z.uuid().optional(),
    requestedDueOn: isoDateSchema,
    reason: z.string().trim().min(1).max(1000),
  })
  .refine(
    (body) =>
      body.target === 'measure'
        ? body.measureId !== undefined && body.deliverableId === undefined
        : body.deliverableId !== undefined && body.measureId === undefined,
    { message: 'measureId for a measure, deliverableId for a deliverable', path: ['target'] },
  );

export const decideExtensionBodySchema = z.object({
  decision: z.enum(['approve', 'refuse']),
  comment: z.string().trim().max(1000).default(''),
  version: z.number().int().positive(),
});

export const extensionViewSchema = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  target: extensionTargetSchema,
  /** What the deadline is for: the measure's text (with its item) or the deliverable's title. */
  subject: z.string(),
  itemNo: z.number().int().nullable(),
  measureId: z.uuid().nullable(),
  deliverableId: z.uuid().nullable(),
  currentDueOn: isoDateSchema,
  requestedDueOn: isoDateSchema,
  reason: z.string(),
  status: extensionStatusSchema,
  requestedByName: z.string(),
  requestedAt: timestampSchema,
  decidedByName: z.string().nullable(),
  decisionComment: z.string().nullable(),
  decidedAt: timestampSchema.nullable(),
  version: z.number().int(),
});
export const extensionListSchema = z.array(extensionViewSchema);
export const extensionListQuerySchema = z.object({
  status: extensionStatusSchema.optional(),
  departmentId: z.uuid().optional(),
});

/** What a department may ask to extend: its approved measures with a date, and the plan's deliverables (its own deadline). */
export const extensionTargetsSchema = z.object({
  measures: z.array(
    z.object({
      id: z.uuid(),
      itemNo: z.number().int(),
      text: z.string(),
      deadlineKind: z.enum(deadlineKinds),
      dueOn: isoDateSchema,
    }),
  ),
  deliverables: z.array(z.object({ id: z.uuid(), title: z.string(), dueOn: isoDateSchema })),
});
export const extensionTargetsQuerySchema = z.object({ departmentId: z.uuid() });

export type UpdatePhaseBody = z.infer<typeof updatePhaseBodySchema>;
export type ItemDependents = z.infer<typeof itemDependentsSchema>;
export type PlanRevisionView = z.infer<typeof planRevisionViewSchema>;
export type ExtensionView = z.infer<typeof extensionViewSchema>;
export type ExtensionTargets = z.infer<typeof extensionTargetsSchema>;
export type CreateExtensionBody = z.input<typeof createExtensionBodySchema>;

/** The plans operations: what the server serves and the web calls. */
export const plansApi = {
  list: defineOperation({
    id: 'plans.list',
    method: 'GET',
    path: '/api/v1/plans',
    tags: ['plans'],
    response: z.array(planSummarySchema),
    access: workingRoles,
  }),
  get: defineOperation({
    id: 'plans.get',
    method: 'GET',
    path: '/api/v1/plans/:id',
    tags: ['plans'],
    params: idParamsSchema,
    response: planDetailSchema,
    access: workingRoles,
  }),
  tree: defineOperation({
    id: 'plans.tree',
    method: 'GET',
    path: '/api/v1/plans/:id/tree',
    tags: ['plans'],
    params: idParamsSchema,
    response: planTreeSchema,
    access: workingRoles,
  }),
  updatePhase: defineOperation({
    id: 'plans.updatePhase',
    method: 'PATCH',
    path: '/api/v1/plans/:id/phases/:phaseId',
    params: planPhaseParamsSchema,
    body: updatePhaseBodySchema,
    response: phaseViewSchema,
    access: organizationStaff,
  }),
  updateDeliverable: defineOperation({
    id: 'plans.updateDeliverable',
    method: 'PATCH',
    path: '/api/v1/plans/:id/deliverables/:deliverableId',
    params: planDeliverableParamsSchema,
    body: updateDeliverableBodySchema,
    response: deliverableViewSchema,
    access: organizationStaff,
  }),
  createItem: defineOperation({
    id: 'plans.createItem',
    method: 'POST',
    path: '/api/v1/plans/:id/items',
    params: idParamsSchema,
    body: createItemBodySchema,
    response: itemRefSchema,
    status: 201,
    access: organizationStaff,
  }),
  updateItem: defineOperation({
    id: 'plans.updateItem',
    method: 'PATCH',
    path: '/api/v1/plans/:id/items/:itemId',
    params: planItemParamsSchema,
    body: updateItemBodySchema,
    response: itemRefSchema,
    access: organizationStaff,
  }),
  itemDependents: defineOperation({
    id: 'plans.itemDependents',
    method: 'GET',
    path: '/api/v1/plans/:id/items/:itemId/dependents',
    description: 'What depends on an item in the plan: shown before it is retired.',
    params: planItemParamsSchema,
    response: itemDependentsSchema,
    access: organizationStaff,
  }),
  retireItem: defineOperation({
    id: 'plans.retireItem',
    method: 'POST',
    path: '/api/v1/plans/:id/items/:itemId/retire',
    params: planItemParamsSchema,
    body: retireItemBodySchema,
    response: itemRefSchema,
    access: organizationStaff,
  }),
  revisions: defineOperation({
    id: 'plans.revisions',
    method: 'GET',
    path: '/api/v1/plans/:id/revisions',
    description: "The plan's change log (方案修订记录), newest first.",
    params: idParamsSchema,
    response: planRevisionListSchema,
    access: [...organizationStaff, 'leader'],
  }),
} as const;
