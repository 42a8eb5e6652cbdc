import { z } from 'zod';
import { staffKinds, comparedFields } from '../teachers/roster-sheet';
import { idParamsSchema } from './contracts';
import { organizationStaff } from '../access';
import { defineOperation } from './operation';

/** The attributes the standard counts teachers by (a survey's population, a coverage rule's). */
export const teacherAttributes = [
  'young',
  'returned_overseas',
  'party_member',
  'non_party_representative',
  'full_time',
  'management',
] as const;
export const teacherAttributeSchema = z.enum(teacherAttributes);
export type TeacherAttribute = z.infer<typeof teacherAttributeSchema>;

export const staffKindSchema = z.enum(staffKinds);

/** A teacher as lists show them: no birth date, contacts masked unless the role needs them. */
export const teacherSummarySchema = z.object({
  id: z.uuid(),
  workNo: z.string(),
  name: z.string(),
  department: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  departmentName: z.string().nullable(),
  young: z.boolean().nullable(),
  returnedOverseas: z.boolean(),
  partyMember: z.boolean(),
  nonPartyRepresentative: z.boolean(),
  staffKind: staffKindSchema.nullable(),
  title: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
});
export type TeacherSummary = z.infer<typeof teacherSummarySchema>;

/** One teacher's full record (its reading is audited). */
export const teacherRecordSchema = teacherSummarySchema.extend({
  birthDate: z.string().nullable(),
  ageBand: z.string().nullable(),
  /** false: the contacts and birth date are masked for this role. */
  full: z.boolean(),
  updatedAt: z.string(),
});
export type TeacherRecord = z.infer<typeof teacherRecordSchema>;

export const teacherListQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  attribute: teacherAttributeSchema.optional(),
  q: z.string().max(50).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
});
export const teacherListSchema = z.object({
  teachers: z.array(teacherSummarySchema),
  /** Active teachers counted by attribute, for the page's header. */
  counts: z.object({ active: z.number().int(), inactive: z.number().int() }),
});

export const rosterSettingsSchema = z.object({
  /** 青年教师: aged at most this many years. */
  youngAgeLimit: z.number().int().min(18).max(70),
  /** Survey results are shown only for groups of at least this many answers. */
  resultThreshold: z.number().int().min(3).max(100),
  /** 聘期: the years of a contract period, for coverage rules counted per contract period. */
  contractYears: z.number().int().min(1).max(10),
});
export type RosterSettings = z.infer<typeof rosterSettingsSchema>;

export const rosterImportQuerySchema = z.object({
  dryRun: z.enum(['true', 'false']).optional(),
  /** The token of the preview these changes were seen in. */
  basedOn: z.string().max(200).optional(),
});

const fieldChangeSchema = z.object({
  field: z.enum(comparedFields),
  before: z.union([z.string(), z.boolean()]).nullable(),
  after: z.union([z.string(), z.boolean()]).nullable(),
});

export const rosterPreviewSchema = z.object({
  applied: z.boolean(),
  token: z.string(),
  headerRow: z.number().int(),
  recognised: z.array(z.string()),
  counts: z.object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    reactivated: z.number().int(),
    deactivated: z.number().int(),
  }),
  created: z.array(
    z.object({
      row: z.number().int(),
      workNo: z.string(),
      name: z.string(),
      departmentName: z.string().nullable(),
    }),
  ),
  updated: z.array(
    z.object({
      row: z.number().int(),
      workNo: z.string(),
      name: z.string(),
      reactivated: z.boolean(),
      changes: z.array(fieldChangeSchema),
    }),
  ),
  /** Active teachers the sheet no longer lists: they become inactive, never deleted. */
  deactivated: z.array(z.object({ workNo: z.string(), name: z.string() })),
  problems: z.array(
    z.object({
      row: z.number().int(),
      code: z.string(),
      severity: z.enum(['error', 'warning']),
      message: z.string(),
    }),
  ),
});
export type RosterPreview = z.infer<typeof rosterPreviewSchema>;

export const teachersApi = {
  list: defineOperation({
    id: 'teachers.list',
    method: 'GET',
    path: '/api/v1/teachers',
    tags: ['teachers'],
    description:
      '教师名册: the roster (a liaison sees their own department). Lists never show contacts in full nor birth dates.',
    query: teacherListQuerySchema,
    response: teacherListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  get: defineOperation({
    id: 'teachers.get',
    method: 'GET',
    path: '/api/v1/teachers/:id',
    tags: ['teachers'],
    description:
      "One teacher's record: in full for the office and the admin (each reading is recorded in the audit log), masked for others.",
    params: idParamsSchema,
    response: teacherRecordSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  import: defineOperation({
    id: 'teachers.import',
    method: 'POST',
    path: '/api/v1/teachers/import',
    tags: ['teachers'],
    description:
      'The HR export (.xlsx, multipart field "file"). With dryRun=true, what would change (new, changed, leaving); then the same file with basedOn=<token> applies it, all or nothing. Teachers are matched by work number; those the file no longer lists become inactive, never deleted.',
    query: rosterImportQuerySchema,
    upload: true,
    response: rosterPreviewSchema,
    access: organizationStaff,
  }),
  rosterSettings: defineOperation({
    id: 'roster.settings',
    method: 'GET',
    path: '/api/v1/roster/settings',
    tags: ['teachers'],
    response: rosterSettingsSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  rosterUpdateSettings: defineOperation({
    id: 'roster.updateSettings',
    method: 'PUT',
    path: '/api/v1/roster/settings',
    tags: ['teachers'],
    body: rosterSettingsSchema,
    response: rosterSettingsSchema,
    access: organizationStaff,
  }),
};
