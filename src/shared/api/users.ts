import { z } from 'zod';
import { userViewSchema } from './auth';
import { roleSchema } from './common';
import { userSheetProblemCodes } from '../users/user-sheet';
import { defineOperation, fileResponse } from './operation';
import {
  createUserBodySchema,
  idParamsSchema,
  updateUserBodySchema,
  userWithOneTimePasswordSchema,
} from './contracts';
import { accountManagers, organizationStaff } from '../access';

// ---- creating many users from the users sheet (.xlsx)

export const userImportQuerySchema = z.object({
  /** Read the sheet and say who would be created and which rows are wrong, without writing. */
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

/** One person of the sheet, as they would be (or were) created. */
export const userImportEntrySchema = z.object({
  row: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  departmentId: z.uuid().nullable(),
  departmentName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});

export const userImportProblemSchema = z.object({
  row: z.number().int(),
  /** The user name the row gives, as written (may be empty). */
  username: z.string(),
  code: z.enum(userSheetProblemCodes),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The problem in the caller's language. */
  message: z.string(),
});

/** A created user's one-time password: in this answer only, never stored in the clear, never shown again. */
export const userImportPasswordSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  oneTimePassword: z.string(),
});

export const userImportResultSchema = z.object({
  /** True once the users exist; a dry run (and a refused sheet) is false. */
  created: z.boolean(),
  fileName: z.string(),
  /** Rows read, without the heading, blank rows and the untouched example row. */
  rowsRead: z.number().int(),
  /** The sheet row of the template's example, skipped; null when it is gone. */
  exampleRow: z.number().int().nullable(),
  entries: z.array(userImportEntrySchema),
  /** While there is one, nothing is created. */
  problems: z.array(userImportProblemSchema),
  /** Only when created: everyone's one-time password, once. */
  passwords: z.array(userImportPasswordSchema),
  /** Only when created: the same passwords as an .xlsx (用户名 / 姓名 / 一次性密码), base64, for the person to save; never kept by the server. */
  passwordsXlsx: z.string().nullable(),
  /** Only when created: the users as they now are. */
  users: z.array(userViewSchema),
});

export type UserImportEntry = z.infer<typeof userImportEntrySchema>;
export type UserImportProblem = z.infer<typeof userImportProblemSchema>;
export type UserImportResult = z.infer<typeof userImportResultSchema>;
export type UserImportPassword = z.infer<typeof userImportPasswordSchema>;

/** The users operations: what the server serves and the web calls. */
export const usersApi = {
  list: defineOperation({
    id: 'users.list',
    method: 'GET',
    path: '/api/v1/users',
    tags: ['users'],
    response: z.array(userViewSchema),
    // accounts: the system admin manages business users, the security admin every account and
    // every role (the services check which account and which role: shared/powers.ts)
    access: [...organizationStaff, 'security_admin'],
  }),
  create: defineOperation({
    id: 'users.create',
    method: 'POST',
    path: '/api/v1/users',
    tags: ['users'],
    body: createUserBodySchema,
    response: userWithOneTimePasswordSchema,
    status: 201,
    access: accountManagers,
  }),
  template: defineOperation({
    id: 'users.template',
    method: 'GET',
    path: '/api/v1/users/template.xlsx',
    tags: ['users'],
    description:
      "The users sheet to fill in Excel (用户名 姓名 角色 所属部门 邮箱 电话), with an example row and drop-down lists of the roles and the organization's departments.",
    response: fileResponse,
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    access: ['admin'],
  }),
  import: defineOperation({
    id: 'users.import',
    method: 'POST',
    path: '/api/v1/users/import',
    tags: ['users'],
    description:
      'Create many users from a filled-in users sheet (.xlsx, multipart field "file"). With dryRun=true, who would be created and every row\'s problems; without, all or nothing in one transaction, answering each one-time password once (also as an .xlsx in base64).',
    query: userImportQuerySchema,
    upload: true,
    response: userImportResultSchema,
    access: ['admin'],
  }),
  update: defineOperation({
    id: 'users.update',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    tags: ['users'],
    params: idParamsSchema,
    body: updateUserBodySchema,
    response: userViewSchema,
    access: accountManagers,
  }),
  resetPassword: defineOperation({
    id: 'users.resetPassword',
    method: 'POST',
    path: '/api/v1/users/:id/password-reset',
    tags: ['users'],
    params: idParamsSchema,
    response: userWithOneTimePasswordSchema,
    access: accountManagers,
  }),
  unlock: defineOperation({
    id: 'users.unlock',
    method: 'POST',
    path: '/api/v1/users/:id/unlock',
    tags: ['users'],
    description: 'Lets a locked account sign in again now (security admin).',
    params: idParamsSchema,
    response: userViewSchema,
    access: ['security_admin'],
  }),
  resetTotp: defineOperation({
    id: 'users.resetTotp',
    method: 'POST',
    path: '/api/v1/users/:id/totp-reset',
    tags: ['users'],
    description:
      "Removes a user's lost authenticator (security admin); their sessions end and they enrol again.",
    params: idParamsSchema,
    response: userViewSchema,
    access: ['security_admin'],
  }),
  signOutEverywhere: defineOperation({
    id: 'users.signOutEverywhere',
    method: 'POST',
    path: '/api/v1/users/:id/sign-out-everywhere',
    tags: ['users'],
    params: idParamsSchema,
    response: z.null(),
    status: 204,
    access: accountManagers,
  }),
} as const;
