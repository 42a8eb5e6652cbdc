import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { timestampSchema } from './common';
import {
  columnMeaningSchema,
  departmentRefKinds,
  isoDateSchema,
  parsedPlanSchema,
  phaseKindSchema,
  deliverableKinds,
} from '../plan-import/contract';
import { roles } from '../roles';

/**
 * Request and response bodies of the HTTP API. The server validates with them, OpenAPI is
 * generated from them, and the web app takes its types from them.
 */

export const uuidSchema = z.uuid();
export const idParamsSchema = z.object({ id: uuidSchema });
export const roleSchema = z.enum(roles);
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

// ---- auth and users

export const userViewSchema = z.object({
  id: uuidSchema,
  organizationId: uuidSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  departmentId: uuidSchema.nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  mustChangePassword: z.boolean(),
  /** Whether signing in takes a code from an authenticator app as well. */
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  /** Set while failed sign-ins keep the account locked (a security admin may unlock it sooner). */
  lockedUntil: timestampSchema.nullable(),
  lastSignInAt: timestampSchema.nullable(),
  /** Send it back with an edit: a stale one is refused (409). */
  version: z.number().int(),
});

/** A code from an authenticator app (TOTP): six digits. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/);

export const signInBodySchema = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(256),
  /** Needed when the user has turned two-step verification on; without it the answer is auth.totp_required. */
  totpCode: totpCodeSchema.optional(),
});

export const totpCodeBodySchema = z.object({ code: totpCodeSchema });
/** Turning two-step verification on asks for the password: a stolen session alone cannot bind the thief's authenticator. */
export const totpStartBodySchema = z.object({ currentPassword: z.string().min(1).max(256) });

/** Shown once, when enrolling: the secret for typing in, and the URI a QR code carries. */
export const totpEnrolmentSchema = z.object({ secret: z.string(), otpauthUri: z.string() });

export const sessionResponseSchema = z.object({
  user: userViewSchema,
  organization: z.object({
    id: uuidSchema,
    name: z.string(),
    /** The institution's time zone: every time the web shows is shown in it. */
    timeZone: z.string().default('Asia/Shanghai'),
  }),
  /** Send back as the x-csrf-token header on every write. */
  csrfToken: z.string(),
  idleTimeoutMinutes: z.number().int(),
});

export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
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

export type UserView = z.infer<typeof userViewSchema>;
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
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
