import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { roleSchema, timestampSchema, uuidSchema } from './common';
import { userViewSchema } from './auth';
import {
  columnMeaningSchema,
  departmentRefKinds,
  isoDateSchema,
  parsedPlanSchema,
  phaseKindSchema,
  deliverableKinds,
} from '../plan-import/contract';

/**
 * Request and response bodies of the HTTP API. The server validates with them, OpenAPI is
 * generated from them, and the web app takes its types from them.
 */

// The auth schemas live with their operations (api/auth.ts), apart from the plan contracts, so the
// sign-in page loads only them; uuid and role come from common.ts.
export { roleSchema, uuidSchema };

export const idParamsSchema = z.object({ id: uuidSchema });
export const departmentKindSchema = z.enum(['functional', 'teaching', 'other']);

export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    issues: z.array(fieldIssueSchema),
    current: z.unknown().optional(),
  }),
});

export const createUserBodySchema = z.object({
  username: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/),
  displayName: z.string().trim().min(1).max(100),
  role: roleSchema,
  departmentId: uuidSchema.nullable().default(null),
  email: z.email().nullable().default(null),
  phone: z.string().trim().max(40).nullable().default(null),
});

export const updateUserBodySchema = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: roleSchema.optional(),
  departmentId: uuidSchema.nullable().optional(),
  email: z.email().nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  disabled: z.boolean().optional(),
  /** The version the editor saw; when given and stale, the edit is refused (409) with the current user. */
  version: z.number().int().optional(),
});

/** A new user or a reset: the one-time password is shown once and must be changed at first sign-in. */
export const userWithOneTimePasswordSchema = z.object({
  user: userViewSchema,
  oneTimePassword: z.string(),
});

// ---- organizations and departments

export const organizationViewSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: z.enum(['institution', 'supervisor']),
  /** IANA time zone every time is shown in (Asia/Shanghai by default). */
  timeZone: z.string().optional(),
});
export const updateOrganizationBodySchema = z.object({
  timeZone: z.string().trim().min(1).max(64),
});

export const departmentViewSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: departmentKindSchema,
  aliases: z.array(z.string()),
  position: z.number().int(),
  version: z.number().int(),
});

export const departmentGroupViewSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: z.enum(['group', 'placeholder']),
  selectsKind: departmentKindSchema.nullable(),
  /** The departments a group currently expands to (empty for a placeholder). */
  memberIds: z.array(uuidSchema),
});

const departmentNameSchema = z.string().trim().min(1).max(100);

export const createDepartmentBodySchema = z.object({
  name: departmentNameSchema,
  kind: departmentKindSchema,
  aliases: z.array(departmentNameSchema).max(20).default([]),
});

export const updateDepartmentBodySchema = z.object({
  /** The version the client last saw; a stale one is refused. */
  version: z.number().int().positive(),
  name: departmentNameSchema.optional(),
  kind: departmentKindSchema.optional(),
  aliases: z.array(departmentNameSchema).max(20).optional(),
});

/** Several departments at once, e.g. every teaching unit pasted from a list, one name a line. */
export const createDepartmentsBodySchema = z.object({
  names: z.array(departmentNameSchema).min(1).max(500),
  kind: departmentKindSchema,
  /** Leave out the names a department already has (or repeats in the list) instead of refusing them all; the answer lists only those created. */
  skipExisting: z.boolean().default(false),
});

/** Folds a duplicate into the department that stays: its name becomes an alias, its work moves over. */
export const mergeDepartmentBodySchema = z.object({
  intoId: uuidSchema,
  /** The versions of both departments the client last saw. */
  version: z.number().int().positive(),
  intoVersion: z.number().int().positive(),
});

export const versionQuerySchema = z.object({ version: z.coerce.number().int().positive() });

// ---- standards and plans

export const itemViewSchema = z.object({
  id: uuidSchema,
  no: z.number().int(),
  content: z.string(),
  focus: z.string(),
  /** The responsible leader the plan names (责任校领导), '' when none. */
  leader: z.string(),
  /** The plan's other columns for this item (备注 …), by header. */
  extra: z.record(z.string(), z.string()),
});

export const assignmentViewSchema = z.object({
  id: uuidSchema,
  itemId: uuidSchema,
  role: z.enum(assignmentRoles),
  targetKind: z.enum(departmentRefKinds),
  departmentId: uuidSchema.nullable(),
  groupId: uuidSchema.nullable(),
  name: z.string(),
});

/** A level of the plan as written: its numbering and its title without it. */
export const indicatorLevelSchema = z.object({ code: z.string(), title: z.string() });

export const level2ViewSchema = z.object({
  id: uuidSchema,
  code: z.string(),
  title: z.string(),
  /** The full path of levels it stands for, from the top (four for a four-level plan); [] for none. */
  levels: z.array(indicatorLevelSchema),
  items: z.array(itemViewSchema.extend({ assignments: z.array(assignmentViewSchema) })),
});

export const level1ViewSchema = z.object({
  id: uuidSchema,
  code: z.string(),
  title: z.string(),
  levels: z.array(indicatorLevelSchema),
  children: z.array(level2ViewSchema),
});

export const standardSummarySchema = z.object({
  id: uuidSchema,
  title: z.string(),
  version: z.number().int(),
  /** Levels above the items as the plan wrote them: 0 for a flat list, up to 4 (or more). */
  depth: z.number().int(),
  level1Count: z.number().int(),
  level2Count: z.number().int(),
  itemCount: z.number().int(),
  createdAt: timestampSchema,
});

export const standardTreeSchema = standardSummarySchema.extend({
  indicators: z.array(
    level1ViewSchema.extend({
      children: z.array(level2ViewSchema.extend({ items: z.array(itemViewSchema) })),
    }),
  ),
});

export const phaseViewSchema = z.object({
  id: uuidSchema,
  position: z.number().int(),
  kind: phaseKindSchema,
  name: z.string(),
  startsOn: isoDateSchema.nullable(),
  endsOn: isoDateSchema.nullable(),
  sourceText: z.string(),
});

export const deliverableViewSchema = z.object({
  id: uuidSchema,
  phaseId: uuidSchema.nullable(),
  kind: z.enum(deliverableKinds),
  title: z.string(),
  dueOn: isoDateSchema,
  recipient: z.string().nullable(),
  sourceText: z.string(),
});

export const planSummarySchema = z.object({
  id: uuidSchema,
  title: z.string(),
  cycleYear: z.number().int(),
  standardId: uuidSchema,
  standardTitle: z.string(),
  issuer: z.string().nullable(),
  issuedOn: isoDateSchema.nullable(),
  createdAt: timestampSchema,
});

export const planDetailSchema = planSummarySchema.extend({
  noticeTitle: z.string().nullable(),
  printedOn: isoDateSchema.nullable(),
  sourceFileName: z.string(),
  sourceFormat: z.enum(['text', 'docx', 'xlsx', 'doc', 'xls']),
  importWarnings: z.array(z.string()),
  phases: z.array(phaseViewSchema),
  deliverables: z.array(deliverableViewSchema),
  /** Levels above the items as the plan wrote them: 0 for a flat list (its counts have no levels). */
  depth: z.number().int(),
  counts: z.object({
    level1: z.number().int(),
    level2: z.number().int(),
    items: z.number().int(),
    assignments: z.number().int(),
  }),
});

export const planTreeSchema = z.object({
  planId: uuidSchema,
  /** Levels above the items as the plan wrote them: 0 for a flat list, up to 4 (or more). */
  depth: z.number().int(),
  indicators: z.array(level1ViewSchema),
  /** Items the plan no longer pursues (停用), with why. */
  retiredItems: z
    .array(z.object({ itemId: uuidSchema, reason: z.string(), retiredAt: timestampSchema }))
    .optional(),
  departments: z.array(departmentViewSchema),
  groups: z.array(departmentGroupViewSchema),
});

// ---- import

export const importPlanQuerySchema = z.object({
  /** Parse and report what would be imported, without writing. */
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Each column's meaning from the left where detection guessed wrong, e.g.
   * `number,content,lead,support,deadline,-` (`-`: keep as it is); the same as `luoshi import --columns`.
   */
  columns: z.string().max(500).optional(),
  /** The header's row (1-based) in the plan's first table, where detection chose another. */
  headerRow: z.coerce.number().int().min(1).max(50).optional(),
});

/** The tables of an uploaded plan as the office sees them in the import wizard's mapping step. */
export const inspectPlanResultSchema = z.object({
  /** The first table's first rows (at most 12), cells as written. */
  rows: z.array(z.array(z.string())),
  /** What detection chose, or null when no header was recognised. */
  detected: z
    .object({
      headerRow: z.number().int().positive(),
      columns: z.array(columnMeaningSchema.nullable()),
    })
    .nullable(),
});

export const importPlanResultSchema = z.object({
  dryRun: z.boolean(),
  /** False when the same plan was imported before: nothing new was created. */
  created: z.boolean(),
  planId: uuidSchema.nullable(),
  standardId: uuidSchema.nullable(),
  createdDepartments: z.array(z.string()),
  parse: parsedPlanSchema,
});

export type DepartmentView = z.infer<typeof departmentViewSchema>;
export type DepartmentGroupView = z.infer<typeof departmentGroupViewSchema>;
export type PlanSummary = z.infer<typeof planSummarySchema>;
export type PlanDetail = z.infer<typeof planDetailSchema>;
export type PlanTree = z.infer<typeof planTreeSchema>;
export type Level1View = z.infer<typeof level1ViewSchema>;
export type AssignmentView = z.infer<typeof assignmentViewSchema>;
export type StandardTree = z.infer<typeof standardTreeSchema>;
export type InspectPlanResult = z.infer<typeof inspectPlanResultSchema>;
export type ImportPlanResult = z.infer<typeof importPlanResultSchema>;
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
