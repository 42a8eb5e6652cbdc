import { z } from 'zod';
import { assignmentRoles } from '../assignments';
import { assignmentViewSchema, uuidSchema } from './contracts';
import { defineOperation } from './operation';
import { organizationStaff } from '../access';

export const assignmentRoleSchema = z.enum(assignmentRoles);

export const planItemParamsSchema = z.object({ id: uuidSchema, itemId: uuidSchema });
export const planGroupParamsSchema = z.object({ id: uuidSchema, groupId: uuidSchema });

/**
 * One cell of the assignment matrix: a department (or a group such as 各教学单位) leads an
 * item, supports it, or (role null) no longer answers for it.
 */
export const setAssignmentBodySchema = z
  .object({
    departmentId: uuidSchema.optional(),
    groupId: uuidSchema.optional(),
    role: assignmentRoleSchema.nullable(),
  })
  .refine((body) => (body.departmentId === undefined) !== (body.groupId === undefined), {
    message: 'name exactly one of departmentId and groupId',
    path: ['departmentId'],
  });

/** The item's assignments after the change, in their order. */
export const itemAssignmentsSchema = z.object({
  itemId: uuidSchema,
  assignments: z.array(assignmentViewSchema),
});

/**
 * Replaces a group or placeholder (各教学单位, 相关职能部门) by the departments it stands for, on
 * the items named (all its items when none are), keeping its role.
 */
export const resolveGroupBodySchema = z.object({
  departmentIds: z.array(uuidSchema).min(1).max(500),
  itemIds: z.array(uuidSchema).min(1).max(500).optional(),
});

export const resolveGroupResultSchema = z.object({
  /** How many of the group's assignments were replaced. */
  replaced: z.number().int(),
  /** How many department assignments were created (a department already on an item keeps its role). */
  created: z.number().int(),
});

export type ItemAssignments = z.infer<typeof itemAssignmentsSchema>;
export type ResolveGroupResult = z.infer<typeof resolveGroupResultSchema>;

/** The assignments operations: what the server serves and the web calls. */
export const assignmentsApi = {
  set: defineOperation({
    id: 'assignments.set',
    method: 'PUT',
    path: '/api/v1/plans/:id/items/:itemId/assignments',
    tags: ['assignments'],
    description:
      'Makes a department or group lead or support an item, or (role null) takes it off the item.',
    params: planItemParamsSchema,
    body: setAssignmentBodySchema,
    response: itemAssignmentsSchema,
    access: organizationStaff,
  }),
  resolveGroup: defineOperation({
    id: 'assignments.resolveGroup',
    method: 'POST',
    path: '/api/v1/plans/:id/groups/:groupId/resolve',
    tags: ['assignments'],
    description:
      'Replaces a group (各教学单位) or placeholder (相关职能部门) by the departments named, on the items named or all its items.',
    params: planGroupParamsSchema,
    body: resolveGroupBodySchema,
    response: resolveGroupResultSchema,
    access: organizationStaff,
  }),
} as const;
