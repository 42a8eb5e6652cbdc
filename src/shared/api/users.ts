import { z } from 'zod';
import { roleSchema, userViewSchema } from './contracts';
import { userSheetProblemCodes } from '../users/user-sheet';

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
