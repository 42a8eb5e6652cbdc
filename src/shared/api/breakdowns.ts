import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { timestampSchema } from './common';
import { itemDiffSchema } from '../breakdown-diff';
import { deadlineSchema } from '../deadlines';
import type { ErrorCode } from '../errors';
import { measureDeadlineInputSchema } from '../measure-deadline';
import { isoDateSchema } from '../plan-import/contract';
import { defineOperation, fileResponse } from './operation';
import { idParamsSchema } from './contracts';
import { departmentEditors, organizationStaff } from '../access';

export const submissionStatusSchema = z.enum([
  'not_started',
  'draft',
  'submitted',
  'returned',
  'approved',
]);

export const breakdownParamsSchema = z.object({ id: z.uuid(), departmentId: z.uuid() });
export const measureParamsSchema = breakdownParamsSchema.extend({ measureId: z.uuid() });

export const measureViewSchema = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  text: z.string(),
  deadline: deadlineSchema,
  version: z.number().int(),
  updatedAt: timestampSchema,
});

const measureTextSchema = z.string().trim().min(1).max(2000);
/** The deadline's date may be left out where the one rule gives it (shared/measure-deadline.ts). */
export const createMeasureBodySchema = z.object({
  itemId: z.uuid(),
  text: measureTextSchema,
  deadline: measureDeadlineInputSchema,
});
export const updateMeasureBodySchema = z.object({
  /** The version the client last saw: a stale one is refused, never overwritten. */
  version: z.number().int().positive(),
  text: measureTextSchema.optional(),
  deadline: measureDeadlineInputSchema.optional(),
});
export const deleteMeasureQuerySchema = z.object({ version: z.coerce.number().int().positive() });

const liaisonContactSchema = z.object({
  name: z.string().trim().min(1).max(50),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{5,30}$/),
  email: z.email().max(200),
});
export const liaisonBodySchema = liaisonContactSchema.extend({
  /**
   * The contact the editor saw (null or absent: none yet). The write is refused when someone
   * else changed it meanwhile, never silently overwritten.
   */
  replaces: z
    .object({ name: z.string(), phone: z.string(), email: z.string() })
    .nullable()
    .optional(),
});

export const reviewBodySchema = z
  .object({
    decision: z.enum(['approve', 'return']),
    comment: z.string().trim().max(2000).optional(),
    /** itemId → what to fix, for a return. */
    itemComments: z.record(z.uuid(), z.string().trim().min(1).max(2000)).default({}),
  })
  .refine(
    (body) =>
      body.decision === 'approve' ||
      Object.keys(body.itemComments).length > 0 ||
      Boolean(body.comment),
    {
      message: 'a return needs a comment on at least one item or an overall comment',
      path: ['itemComments'],
    },
  );

/** Approve several submitted breakdowns at once; each is decided alone, by the same rules as one. */
export const approveManyBodySchema = z.object({
  departmentIds: z.array(z.uuid()).min(1).max(500),
  comment: z.string().trim().max(2000).optional(),
});
export const approveManyResultSchema = z.object({
  approved: z.array(z.object({ departmentId: z.uuid(), name: z.string() })),
  /** Those not approved, each with the reason in the caller's language; nothing of them changed. */
  refused: z.array(
    z.object({
      departmentId: z.uuid(),
      /** null when the id names no department of this institution. */
      name: z.string().nullable(),
      code: z.string(),
      message: z.string(),
    }),
  ),
});
export type ApproveManyResult = z.infer<typeof approveManyResultSchema>;

export const submissionEventViewSchema = z.object({
  action: z.enum(['submit', 'return', 'approve']),
  actorName: z.string(),
  comment: z.string().nullable(),
  itemComments: z.record(z.string(), z.string()),
  at: timestampSchema,
});

export const breakdownItemSchema = z.object({
  id: z.uuid(),
  no: z.number().int(),
  content: z.string(),
  focus: z.string(),
  role: z.enum(assignmentRoles),
  /** Through a group such as 各教学单位, not by name. */
  viaGroup: z.string().nullable(),
  otherDepartments: z.array(z.string()),
  measures: z.array(measureViewSchema),
  /** The coordinator's comment from the latest return, if any. */
  returnComment: z.string().nullable(),
  /** After a resubmission: the office's comment on this item when it returned the breakdown. */
  previousComment: z.string().nullable().optional(),
  /** After a resubmission: what the department changed in this item's measures since then. */
  changes: itemDiffSchema.nullable().optional(),
});

export const breakdownViewSchema = z.object({
  planId: z.uuid(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  status: submissionStatusSchema,
  dueOn: isoDateSchema.nullable(),
  late: z.boolean(),
  liaison: z.object({ name: z.string(), phone: z.string(), email: z.string() }).nullable(),
  history: z.array(submissionEventViewSchema),
  /** Submitted again after a return: items carry the earlier comment and the changes. */
  resubmitted: z.boolean().optional(),
  indicators: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      children: z.array(
        z.object({ code: z.string(), title: z.string(), items: z.array(breakdownItemSchema) }),
      ),
    }),
  ),
});

export const boardRowSchema = z.object({
  department: z.object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(['functional', 'teaching', 'other']),
  }),
  status: submissionStatusSchema,
  itemCount: z.number().int(),
  itemsWithMeasures: z.number().int(),
  liaisonNamed: z.boolean(),
  submittedAt: timestampSchema.nullable(),
  late: z.boolean(),
  /** The department's own deadline: the plan's, or the one an approved extension request gave it. */
  dueOn: isoDateSchema.nullable().optional(),
});
export const boardSchema = z.object({
  dueOn: isoDateSchema.nullable(),
  rows: z.array(boardRowSchema),
});

export type BreakdownView = z.infer<typeof breakdownViewSchema>;
export type BoardRow = z.infer<typeof boardRowSchema>;
export type MeasureView = z.infer<typeof measureViewSchema>;

export const exportQuerySchema = z.object({
  format: z.enum(['xlsx', 'docx']).default('xlsx'),
  /** One department's sheet; without it, the whole institution's (the coordinating office's). */
  departmentId: z.uuid().optional(),
});

export const dutyStates = ['missing', 'measured', 'submitted', 'approved'] as const;

/** Items × departments by state, and completion by level-1 indicator and by department. */
export const dashboardSchema = z.object({
  dueOn: isoDateSchema.nullable(),
  departments: z.array(
    z.object({ id: z.uuid(), name: z.string(), late: z.boolean(), status: submissionStatusSchema }),
  ),
  items: z.array(z.object({ id: z.uuid(), no: z.number().int(), level1: z.string() })),
  /** [item index, department index, state index in dutyStates], only where the department has a duty. */
  cells: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])),
  byLevel1: z.array(
    z.object({
      title: z.string(),
      duties: z.number().int(),
      measured: z.number().int(),
      approved: z.number().int(),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

// ---- a department's 任务分解表 filled in offline and uploaded back

/** What can be wrong with one row of an uploaded sheet; each is an error code with its wording. */
export const sheetProblemCodes = [
  'sheet.unknown_item',
  'sheet.not_assigned',
  'sheet.content_mismatch',
  'sheet.item_number_missing',
  'sheet.item_repeated',
  'sheet.measure_without_item',
  'sheet.other_department',
  'sheet.measure_too_long',
  'sheet.deadline_missing',
  'sheet.deadline_without_measure',
  'sheet.deadline_count',
  'sheet.deadline_unreadable',
  'sheet.deadline_no_such_date',
  'sheet.deadline_first_date',
  'sheet.deadline_unsupported',
] as const satisfies readonly ErrorCode[];

/** The state a preview was made against: the department's measures, and the file. */
export const sheetTokenSchema = z.string().regex(/^[0-9a-f]{64}\.[0-9a-f]{64}$/);

export const sheetUploadQuerySchema = z
  .object({
    /** Read the file and say what would change, without writing. */
    dryRun: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    /** To apply: the token of the preview the person confirmed. Refused when the measures or the file differ from it. */
    basedOn: sheetTokenSchema.optional(),
  })
  .refine((query) => query.dryRun || query.basedOn !== undefined, {
    message: 'applying needs basedOn, the token of the preview',
    path: ['basedOn'],
  });

const sheetMeasureSchema = z.object({ text: z.string(), deadline: deadlineSchema });

export const sheetChangeSchema = z.object({
  kind: z.enum(['add', 'change', 'remove']),
  itemId: z.uuid(),
  itemNo: z.number().int(),
  /** The row of the sheet the item was read from. */
  row: z.number().int(),
  /** The measure changed or removed; null for one added. */
  measureId: z.uuid().nullable(),
  before: sheetMeasureSchema.nullable(),
  after: sheetMeasureSchema.nullable(),
});

export const sheetProblemSchema = z.object({
  row: z.number().int(),
  itemNo: z.number().int().nullable(),
  code: z.enum(sheetProblemCodes),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const sheetPreviewSchema = z.object({
  /** True once the changes are written; a preview and a refused sheet are false. */
  applied: z.boolean(),
  /** Echo it as basedOn to apply exactly this preview. */
  token: sheetTokenSchema,
  fileName: z.string(),
  /** Item rows read from the sheet. */
  itemsRead: z.number().int(),
  /** Measures the sheet leaves as they are. */
  unchanged: z.number().int(),
  changes: z.array(sheetChangeSchema),
  /** Rows that cannot be applied, in the caller's language; while there is one, nothing is applied. */
  problems: z.array(sheetProblemSchema.extend({ message: z.string() })),
});

export type SheetChange = z.infer<typeof sheetChangeSchema>;
export type SheetProblem = z.infer<typeof sheetProblemSchema>;
export type SheetPreview = z.infer<typeof sheetPreviewSchema>;

/** The breakdowns operations: what the server serves and the web calls. */
export const breakdownsApi = {
  board: defineOperation({
    id: 'breakdowns.board',
    method: 'GET',
    path: '/api/v1/plans/:id/breakdowns',
    tags: ['breakdowns'],
    params: idParamsSchema,
    response: boardSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  dashboard: defineOperation({
    id: 'breakdowns.dashboard',
    method: 'GET',
    path: '/api/v1/plans/:id/dashboard',
    tags: ['breakdowns'],
    params: idParamsSchema,
    response: dashboardSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  export: defineOperation({
    id: 'breakdowns.export',
    method: 'GET',
    path: '/api/v1/plans/:id/task-breakdown',
    tags: ['breakdowns'],
    description: 'The 任务分解表 as .xlsx or .docx, with the measures filled in.',
    params: idParamsSchema,
    query: exportQuerySchema,
    response: fileResponse,
    produces: [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  get: defineOperation({
    id: 'breakdowns.get',
    method: 'GET',
    path: '/api/v1/plans/:id/breakdowns/:departmentId',
    tags: ['breakdowns'],
    params: breakdownParamsSchema,
    response: breakdownViewSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  setLiaison: defineOperation({
    id: 'breakdowns.setLiaison',
    method: 'PUT',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/liaison',
    tags: ['breakdowns'],
    params: breakdownParamsSchema,
    body: liaisonBodySchema,
    response: breakdownViewSchema,
    access: departmentEditors,
  }),
  measuresCreate: defineOperation({
    id: 'measures.create',
    method: 'POST',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/measures',
    tags: ['breakdowns'],
    params: breakdownParamsSchema,
    body: createMeasureBodySchema,
    response: measureViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  measuresUpdate: defineOperation({
    id: 'measures.update',
    method: 'PATCH',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/measures/:measureId',
    tags: ['breakdowns'],
    params: measureParamsSchema,
    body: updateMeasureBodySchema,
    response: measureViewSchema,
    access: departmentEditors,
  }),
  measuresDelete: defineOperation({
    id: 'measures.delete',
    method: 'DELETE',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/measures/:measureId',
    tags: ['breakdowns'],
    params: measureParamsSchema,
    query: deleteMeasureQuerySchema,
    response: z.null(),
    status: 204,
    access: departmentEditors,
  }),
  uploadSheet: defineOperation({
    id: 'breakdowns.uploadSheet',
    method: 'POST',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/sheet',
    tags: ['breakdowns'],
    description:
      'Upload the department\'s 任务分解表 filled in offline (.xlsx or .docx, multipart field "file"). With dryRun=true, the changes it would make and the rows that cannot be applied; then the same file with basedOn=<token of the preview> applies them, all or nothing.',
    params: breakdownParamsSchema,
    query: sheetUploadQuerySchema,
    upload: true,
    response: sheetPreviewSchema,
    access: departmentEditors,
  }),
  submit: defineOperation({
    id: 'breakdowns.submit',
    method: 'POST',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/submit',
    tags: ['breakdowns'],
    params: breakdownParamsSchema,
    response: breakdownViewSchema,
    access: departmentEditors,
  }),
  review: defineOperation({
    id: 'breakdowns.review',
    method: 'POST',
    path: '/api/v1/plans/:id/breakdowns/:departmentId/review',
    tags: ['breakdowns'],
    params: breakdownParamsSchema,
    body: reviewBodySchema,
    response: breakdownViewSchema,
    access: organizationStaff,
  }),
  approveMany: defineOperation({
    id: 'breakdowns.approveMany',
    method: 'POST',
    path: '/api/v1/plans/:id/breakdowns/approve',
    tags: ['breakdowns'],
    description:
      'Approves several submitted breakdowns (批量通过). Each is approved in its own transaction by the rules of one approval; the answer says which were approved and which refused, and why.',
    params: idParamsSchema,
    body: approveManyBodySchema,
    response: approveManyResultSchema,
    access: organizationStaff,
  }),
} as const;
