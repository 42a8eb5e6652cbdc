import { z } from 'zod';
import { coverageFrequencies } from '../activities/coverage';
import { evidenceViewSchema } from './evidence';
import { teacherAttributeSchema } from './teachers';
import { organizationStaff, departmentEditors } from '../access';
import { idParamsSchema } from './contracts';
import { defineOperation } from './operation';

export const activityKindSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  itemNos: z.array(z.number().int()),
});
export const activityKindBodySchema = z.object({
  name: z.string().trim().min(1).max(50),
  itemNos: z.array(z.number().int().min(1).max(999)).max(5).default([]),
});
export const activityKindListSchema = z.object({ kinds: z.array(activityKindSchema) });

export const recordActivityBodySchema = z.object({
  kindId: z.uuid(),
  departmentId: z.uuid(),
  title: z.string().trim().min(1).max(200),
  heldOn: z.iso.date(),
  evidenceIds: z.array(z.uuid()).max(50).default([]),
  participantIds: z.array(z.uuid()).max(5000),
  note: z.string().max(2000).default(''),
});

export const activityViewSchema = z.object({
  id: z.uuid(),
  kind: activityKindSchema,
  department: z.object({ id: z.uuid(), name: z.string() }),
  title: z.string(),
  heldOn: z.string(),
  note: z.string(),
  evidence: z.array(evidenceViewSchema),
  participants: z.array(z.object({ id: z.uuid(), workNo: z.string(), name: z.string() })),
  recordedByName: z.string(),
});
export type ActivityView = z.infer<typeof activityViewSchema>;
export const activityListQuerySchema = z.object({
  departmentId: z.uuid().optional(),
  kindId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
/** One page of activities, the latest held first, with how many the filters find in all. */
export const activityListSchema = z.object({
  activities: z.array(activityViewSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ActivityList = z.infer<typeof activityListSchema>;

export const signInSheetResultSchema = z.object({
  matched: z.array(
    z.object({
      id: z.uuid(),
      workNo: z.string(),
      name: z.string(),
      department: z.string().nullable(),
    }),
  ),
  unmatched: z.array(z.object({ row: z.number().int(), text: z.string() })),
});
export type SignInSheetResult = z.infer<typeof signInSheetResultSchema>;

export const coveragePopulationSchema = z.union([z.literal('all'), teacherAttributeSchema]);
export const coverageRuleBodySchema = z.object({
  kindId: z.uuid(),
  name: z.string().trim().min(1).max(100),
  population: coveragePopulationSchema,
  frequency: z.enum(coverageFrequencies),
  itemNo: z.number().int().min(1).max(999).nullable().default(null),
});
export const coverageRuleSchema = coverageRuleBodySchema.extend({
  id: z.uuid(),
  kindName: z.string(),
});
export const coverageRuleListSchema = z.object({ rules: z.array(coverageRuleSchema) });

export const coverageQuerySchema = z.object({ asOf: z.iso.date().optional() });
const personSchema = z.object({ id: z.uuid(), workNo: z.string(), name: z.string() });
const countSchema = z.object({
  required: z.number().int(),
  covered: z.number().int(),
  rate: z.number().nullable(),
});
export const coverageSchema = z.object({
  asOf: z.string(),
  rules: z.array(
    coverageRuleSchema.extend({
      window: z.object({ from: z.string(), to: z.string() }),
      institution: countSchema,
      departments: z.array(
        countSchema.extend({
          departmentId: z.uuid().nullable(),
          name: z.string(),
          /** The people still missing: named for the office and for the department itself, else null. */
          missing: z.array(personSchema).nullable(),
        }),
      ),
    }),
  ),
});
export type CoverageView = z.infer<typeof coverageSchema>;

export const activitiesApi = {
  kinds: defineOperation({
    id: 'activities.kinds',
    method: 'GET',
    path: '/api/v1/activity-kinds',
    tags: ['activities'],
    response: activityKindListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  createKind: defineOperation({
    id: 'activities.createKind',
    method: 'POST',
    path: '/api/v1/activity-kinds',
    tags: ['activities'],
    body: activityKindBodySchema,
    response: activityKindSchema,
    status: 201,
    access: organizationStaff,
  }),
  list: defineOperation({
    id: 'activities.list',
    method: 'GET',
    path: '/api/v1/activities',
    tags: ['activities'],
    description:
      'Activities the latest held first, one page with the total; a liaison sees their own department’s.',
    query: activityListQuerySchema,
    response: activityListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  record: defineOperation({
    id: 'activities.record',
    method: 'POST',
    path: '/api/v1/activities',
    tags: ['activities'],
    description:
      'A department records an activity with its date, evidence and participants (from the roster).',
    body: recordActivityBodySchema,
    response: z.object({ id: z.uuid() }),
    status: 201,
    access: departmentEditors,
  }),
  delete: defineOperation({
    id: 'activities.delete',
    method: 'DELETE',
    path: '/api/v1/activities/:id',
    tags: ['activities'],
    params: idParamsSchema,
    response: z.null(),
    status: 204,
    access: departmentEditors,
  }),
  readSignInSheet: defineOperation({
    id: 'activities.readSignInSheet',
    method: 'POST',
    path: '/api/v1/activities/sign-in-sheet',
    tags: ['activities'],
    description:
      'A sign-in sheet (.xlsx, multipart field "file") matched to the roster by 工号 or name; writes nothing.',
    upload: true,
    response: signInSheetResultSchema,
    access: departmentEditors,
  }),
  coverageRules: defineOperation({
    id: 'coverage.rules',
    method: 'GET',
    path: '/api/v1/coverage-rules',
    tags: ['activities'],
    response: coverageRuleListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  coverageCreateRule: defineOperation({
    id: 'coverage.createRule',
    method: 'POST',
    path: '/api/v1/coverage-rules',
    tags: ['activities'],
    body: coverageRuleBodySchema,
    response: coverageRuleSchema,
    status: 201,
    access: organizationStaff,
  }),
  coverageGet: defineOperation({
    id: 'coverage.get',
    method: 'GET',
    path: '/api/v1/coverage',
    tags: ['activities'],
    description:
      'Each coverage rule as of a day: institution and department rates; the people still missing named for the office and for their own department only.',
    query: coverageQuerySchema,
    response: coverageSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
};
