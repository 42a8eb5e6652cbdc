import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { timestampSchema } from './common';
import { obligationPeriodSchema, obligationSourceSchema } from '../obligations/obligation.contract';
import { evidenceIdsSchema, evidenceViewSchema } from './evidence';
import { isoDateSchema } from '../plan-import/contract';
import { defineOperation } from './operation';
import { idParamsSchema } from './contracts';
import { departmentEditors, organizationStaff } from '../access';

/** 2024-02-30 has the right shape and names no day. */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const obligationStatusSchema = z.enum(['proposed', 'confirmed', 'dismissed']);
export const obligationKindSchema = z.enum(['frequency', 'coverage']);
/** institution: one count for the whole institution; each_department: every responsible department on its own. */
export const obligationScopeSchema = z.enum(['institution', 'each_department']);

export const obligationParamsSchema = z.object({ id: z.uuid(), obligationId: z.uuid() });
export const occurrenceParamsSchema = z.object({ id: z.uuid(), occurrenceId: z.uuid() });
export const departmentObligationsParamsSchema = z.object({ id: z.uuid(), departmentId: z.uuid() });

export const obligationViewSchema = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  item: z.object({ id: z.uuid(), no: z.number().int(), content: z.string(), focus: z.string() }),
  status: obligationStatusSchema,
  kind: obligationKindSchema,
  period: obligationPeriodSchema.nullable(),
  minimumCount: z.number().int().nullable(),
  targetPercent: z.number().nullable(),
  /** Whom it binds one by one: 青年教师 of 每名青年教师…, 教师 of 全体教师…全覆盖. */
  population: z.string().nullable(),
  scope: obligationScopeSchema,
  /** The words it was read from; null when added by hand. */
  source: obligationSourceSchema.nullable(),
  /** Period or count still unknown: it cannot be confirmed until they are filled in. */
  needsConfirmation: z.boolean(),
  /** Recorded as "N of M people" readings rather than one occurrence at a time. */
  countedByReadings: z.boolean(),
  note: z.string().nullable(),
  /** The departments answerable for the item, lead first. */
  departments: z.array(z.object({ id: z.uuid(), name: z.string(), role: z.enum(assignmentRoles) })),
  version: z.number().int(),
  updatedAt: timestampSchema,
});
export type ObligationView = z.infer<typeof obligationViewSchema>;

export const obligationListQuerySchema = z.object({ status: obligationStatusSchema.optional() });
export const obligationListSchema = z.object({ obligations: z.array(obligationViewSchema) });
export const proposeResultSchema = z.object({
  /** Obligations created by this proposal; 0 when the plan was proposed before. */
  created: z.number().int(),
  /** Proposals found already recorded (in any state) and left as they are. */
  existing: z.number().int(),
  obligations: z.array(obligationViewSchema),
});

const minimumCountSchema = z.number().int().positive().max(1000);
const targetPercentSchema = z.number().positive().max(100);
const populationSchema = z.string().trim().min(1).max(50);
const noteSchema = z.string().trim().max(500);

/** An obligation the coordinator adds by hand: complete, and confirmed as it is added. */
export const createObligationBodySchema = z
  .object({
    itemId: z.uuid(),
    kind: obligationKindSchema,
    period: obligationPeriodSchema,
    minimumCount: minimumCountSchema.nullable().default(null),
    targetPercent: targetPercentSchema.nullable().default(null),
    population: populationSchema.nullable().default(null),
    scope: obligationScopeSchema,
    note: noteSchema.nullable().default(null),
  })
  .refine((body) => body.kind === 'coverage' || body.minimumCount !== null, {
    message: 'a frequency needs minimumCount',
    path: ['minimumCount'],
  })
  .refine((body) => body.kind === 'frequency' || body.targetPercent !== null, {
    message: 'a coverage needs targetPercent',
    path: ['targetPercent'],
  });

/**
 * Edit, confirm or dismiss, in one write: the fields given change, `status` moves it. Confirming
 * needs the period and the count (or the share) filled in, here or before.
 */
export const updateObligationBodySchema = z.object({
  /** The version the client last saw: a stale one is refused, never overwritten. */
  version: z.number().int().positive(),
  status: obligationStatusSchema.optional(),
  kind: obligationKindSchema.optional(),
  period: obligationPeriodSchema.nullable().optional(),
  minimumCount: minimumCountSchema.nullable().optional(),
  targetPercent: targetPercentSchema.nullable().optional(),
  population: populationSchema.nullable().optional(),
  scope: obligationScopeSchema.optional(),
  note: noteSchema.nullable().optional(),
});

export const occurrenceViewSchema = z.object({
  id: z.uuid(),
  obligationId: z.uuid(),
  department: z.object({ id: z.uuid(), name: z.string() }),
  occurredOn: isoDateSchema,
  description: z.string(),
  evidenceIds: z.array(z.uuid()),
  /** The evidence cited, as the evidence module shows it (files with their download address, links). */
  evidence: z.array(evidenceViewSchema),
  achieved: z.number().int().nullable(),
  outOf: z.number().int().nullable(),
  recordedByName: z.string(),
  recordedAt: timestampSchema,
});
export type OccurrenceView = z.infer<typeof occurrenceViewSchema>;

export const recordOccurrenceBodySchema = z
  .object({
    departmentId: z.uuid(),
    /** The day it happened, where the institution is; not after today. */
    occurredOn: isoDateSchema.refine(isCalendarDate, { message: 'not a calendar date' }),
    /** What happened: 党委常委会第5次会议专题研究师德师风建设. */
    description: z.string().trim().min(1).max(2000),
    evidenceIds: evidenceIdsSchema,
    /** For an obligation counted person by person: how many reached it, out of how many. */
    achieved: z.number().int().nonnegative().nullable().default(null),
    outOf: z.number().int().positive().max(1_000_000).nullable().default(null),
  })
  .refine((body) => (body.achieved === null) === (body.outOf === null), {
    message: 'give both achieved and outOf, or neither',
    path: ['outOf'],
  })
  .refine((body) => body.achieved === null || body.outOf === null || body.achieved <= body.outOf, {
    message: 'achieved cannot exceed outOf',
    path: ['achieved'],
  });

export const occurrenceListQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  obligationId: z.uuid().optional(),
});
export const occurrenceListSchema = z.object({ occurrences: z.array(occurrenceViewSchema) });

export const periodStatusSchema = z.enum(['met', 'in-progress', 'upcoming', 'late']);
export const periodComplianceSchema = z.object({
  label: z.string(),
  startsOn: isoDateSchema,
  endsOn: isoDateSchema,
  /** The period is kept whole although it starts before or ends after the plan's cycle. */
  extendsBeyondCycle: z.boolean(),
  /** How many the period needs; null for a share with no reading yet. */
  required: z.number().int().nullable(),
  recorded: z.number().int().nullable(),
  shortfall: z.number().int().nullable(),
  status: periodStatusSchema,
});
export type PeriodComplianceView = z.infer<typeof periodComplianceSchema>;

export const notCountedSchema = z.object({
  on: isoDateSchema,
  reason: z.enum(['after-today', 'outside-periods', 'not-in-population']),
});

/** One confirmed obligation as one department must meet it (each_department), or as the institution must (department null). */
export const complianceRowSchema = z.object({
  obligationId: z.uuid(),
  item: z.object({ id: z.uuid(), no: z.number().int() }),
  kind: obligationKindSchema,
  period: obligationPeriodSchema,
  scope: obligationScopeSchema,
  department: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  periods: z.array(periodComplianceSchema),
  notCounted: z.array(notCountedSchema),
});
export type ComplianceRow = z.infer<typeof complianceRowSchema>;

export const complianceQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  obligationId: z.uuid().optional(),
  period: obligationPeriodSchema.optional(),
});

export const complianceSchema = z.object({
  /** Today where the institution is, by the server's clock. */
  today: isoDateSchema,
  cycle: z.object({ startsOn: isoDateSchema, endsOn: isoDateSchema }),
  rows: z.array(complianceRowSchema),
  /** Periods by state for each department; institution-wide rows count under the department null. */
  byDepartment: z.array(
    z.object({
      department: z.object({ id: z.uuid(), name: z.string() }).nullable(),
      met: z.number().int(),
      inProgress: z.number().int(),
      upcoming: z.number().int(),
      late: z.number().int(),
    }),
  ),
});
export type ComplianceView = z.infer<typeof complianceSchema>;

/** A liaison's 履职记录: the confirmed obligations of their department, what is due now, and what was recorded. */
export const departmentObligationsSchema = z.object({
  today: isoDateSchema,
  cycle: z.object({ startsOn: isoDateSchema, endsOn: isoDateSchema }),
  department: z.object({ id: z.uuid(), name: z.string() }),
  obligations: z.array(
    z.object({
      obligation: obligationViewSchema,
      periods: z.array(periodComplianceSchema),
      /** The period today falls in, if any. */
      current: periodComplianceSchema.nullable(),
      /** Counted for the whole institution: other departments' records count too. */
      shared: z.boolean(),
      occurrences: z.array(occurrenceViewSchema),
    }),
  ),
});
export type DepartmentObligations = z.infer<typeof departmentObligationsSchema>;

/** Confirm several proposed obligations at once, each at the version the coordinator saw. */
export const confirmManyBodySchema = z.object({
  obligations: z
    .array(z.object({ id: z.uuid(), version: z.number().int().positive() }))
    .min(1)
    .max(500),
});
export const confirmManyResultSchema = z.object({
  confirmed: z.array(obligationViewSchema),
  /** Those not confirmed (incomplete terms, changed meanwhile, not found), nothing of them changed. */
  refused: z.array(
    z.object({
      id: z.uuid(),
      itemNo: z.number().int().nullable(),
      code: z.string(),
      message: z.string(),
    }),
  ),
});
export type ConfirmManyResult = z.infer<typeof confirmManyResultSchema>;

/** The obligations operations: what the server serves and the web calls. */
export const obligationsApi = {
  list: defineOperation({
    id: 'obligations.list',
    method: 'GET',
    path: '/api/v1/plans/:id/obligations',
    tags: ['obligations'],
    params: idParamsSchema,
    query: obligationListQuerySchema,
    response: obligationListSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  propose: defineOperation({
    id: 'obligations.propose',
    method: 'POST',
    path: '/api/v1/plans/:id/obligations/propose',
    tags: ['obligations'],
    description:
      'Reads every item of the plan and records the obligations its text states (每学期至少1次, 100%). Proposing again creates only what is new; nothing already recorded is changed.',
    params: idParamsSchema,
    response: proposeResultSchema,
    access: organizationStaff,
  }),
  create: defineOperation({
    id: 'obligations.create',
    method: 'POST',
    path: '/api/v1/plans/:id/obligations',
    tags: ['obligations'],
    params: idParamsSchema,
    body: createObligationBodySchema,
    response: obligationViewSchema,
    status: 201,
    access: organizationStaff,
  }),
  update: defineOperation({
    id: 'obligations.update',
    method: 'PATCH',
    path: '/api/v1/plans/:id/obligations/:obligationId',
    tags: ['obligations'],
    params: obligationParamsSchema,
    body: updateObligationBodySchema,
    response: obligationViewSchema,
    access: organizationStaff,
  }),
  confirmMany: defineOperation({
    id: 'obligations.confirmMany',
    method: 'POST',
    path: '/api/v1/plans/:id/obligations/confirm',
    tags: ['obligations'],
    description:
      'Confirms several obligations (批量确认), each in its own transaction by the rules of one confirmation; the answer says which were confirmed and which refused, and why.',
    params: idParamsSchema,
    body: confirmManyBodySchema,
    response: confirmManyResultSchema,
    access: organizationStaff,
  }),
  compliance: defineOperation({
    id: 'obligations.compliance',
    method: 'GET',
    path: '/api/v1/plans/:id/obligations/compliance',
    tags: ['obligations'],
    params: idParamsSchema,
    query: complianceQuerySchema,
    response: complianceSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  ofDepartment: defineOperation({
    id: 'obligations.ofDepartment',
    method: 'GET',
    path: '/api/v1/plans/:id/departments/:departmentId/obligations',
    tags: ['obligations'],
    params: departmentObligationsParamsSchema,
    response: departmentObligationsSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  occurrencesList: defineOperation({
    id: 'occurrences.list',
    method: 'GET',
    path: '/api/v1/plans/:id/occurrences',
    tags: ['obligations'],
    params: idParamsSchema,
    query: occurrenceListQuerySchema,
    response: occurrenceListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  occurrencesRecord: defineOperation({
    id: 'occurrences.record',
    method: 'POST',
    path: '/api/v1/plans/:id/obligations/:obligationId/occurrences',
    tags: ['obligations'],
    params: obligationParamsSchema,
    body: recordOccurrenceBodySchema,
    response: occurrenceViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  occurrencesDelete: defineOperation({
    id: 'occurrences.delete',
    method: 'DELETE',
    path: '/api/v1/plans/:id/occurrences/:occurrenceId',
    tags: ['obligations'],
    params: occurrenceParamsSchema,
    response: z.null(),
    status: 204,
    access: departmentEditors,
  }),
} as const;
