import { z } from 'zod';
import type { ErrorCode, ErrorParams } from '../errors';
import { translate } from '../i18n/messages';
import type { TableRow } from '../plan-import/document-blocks';
import { roles, type Role } from '../roles';

/**
 * The users sheet the office fills in Excel to create many accounts at once: its columns, the
 * words it takes for roles, and what a filled-in sheet means (pure: no database, no files).
 */

export const userSheetColumns = ['用户名', '姓名', '角色', '所属部门', '邮箱', '电话'] as const;
export type UserSheetColumn = (typeof userSheetColumns)[number];

/** Other headings people write for the same column. */
const headingSynonyms: Record<UserSheetColumn, readonly string[]> = {
  用户名: ['用户名', '登录名', '账号', 'username'],
  姓名: ['姓名', '显示名', '名字', 'name', 'displayname'],
  角色: ['角色', 'role'],
  所属部门: ['所属部门', '部门', '单位', '所属单位', 'department'],
  邮箱: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail'],
  电话: ['电话', '手机', '手机号', '联系电话', 'phone'],
};
const requiredColumns: readonly UserSheetColumn[] = ['用户名', '姓名', '角色'];

/** A role as the sheet writes it: the same words the web app shows (系统管理员, 部门联络员, …). */
export function roleWord(role: Role): string {
  return translate('zh-CN', `role.${role}`);
}
export const roleWords: readonly string[] = roles.map(roleWord);

const shortRoleWords: Record<string, Role> = {
  管理员: 'admin',
  教师工作部: 'coordinator',
  联络员: 'liaison',
  校领导: 'leader',
  评价员: 'reviewer',
  安全员: 'security_admin',
  审计员: 'auditor',
  督导: 'overseer',
};

/** The role a cell names: its word, a short form, or the role's identifier; null when none. */
export function roleOfWord(text: string): Role | null {
  const word = text.replace(/\s+/g, '');
  for (const role of roles) if (word === roleWord(role) || word.toLowerCase() === role) return role;
  return shortRoleWords[word] ?? null;
}

/** The example row of the template; a sheet that still carries it unchanged has it skipped. */
export const exampleUser = {
  username: 'zhangsan',
  displayName: '张三（示例，导入时跳过）',
  role: 'liaison' as Role,
  email: 'zhangsan@example.edu.cn',
  phone: '010-12345678',
};

/** The most users one sheet creates. */
export const maxUsersPerSheet = 1000;

export const userSheetProblemCodes = [
  'userSheet.username_missing',
  'userSheet.username_invalid',
  'userSheet.duplicate_in_file',
  'userSheet.name_taken',
  'userSheet.name_missing',
  'userSheet.name_too_long',
  'userSheet.role_missing',
  'userSheet.unknown_role',
  'userSheet.unknown_department',
  'userSheet.department_required',
  'userSheet.bad_email',
  'userSheet.phone_too_long',
] as const satisfies readonly ErrorCode[];
export type UserSheetProblemCode = (typeof userSheetProblemCodes)[number];

/** One person read from the sheet, ready to create. */
export interface UserSheetEntry {
  row: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  email: string | null;
  phone: string | null;
}

export interface UserSheetProblem {
  row: number;
  username: string;
  code: UserSheetProblemCode;
  params: ErrorParams;
}

export interface UserSheetReading {
  /** Every person the sheet names with no problem in their row. */
  entries: UserSheetEntry[];
  problems: UserSheetProblem[];
  /** Rows read (not counting the heading, blank rows and the untouched example). */
  rowsRead: number;
  /** The sheet row of the example left as the template had it, which is not imported. */
  exampleRow: number | null;
}

export type UserSheetRefusal =
  | { code: 'userSheet.header_not_found'; params: ErrorParams }
  | { code: 'userSheet.no_rows'; params: ErrorParams }
  | { code: 'userSheet.too_many_rows'; params: ErrorParams };

export interface UserSheetContext {
  departments: readonly { id: string; name: string; aliases: readonly string[] }[];
  /** User names already in use anywhere (they are unique across the deployment), lower-cased. */
  takenUsernames: ReadonlySet<string>;
}

const usernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/);
const emailSchema = z.email();
const compact = (text: string) => text.replace(/\s+/g, '');
const heading = (text: string) =>
  compact(text)
    .replace(/[*＊:：()（）]/g, '')
    .replace(/必填|选填/g, '')
    .toLowerCase();

/** The heading row (within the first ten) and the column of each heading it has. */
function findHeading(
  rows: readonly TableRow[],
): { index: number; columns: Partial<Record<UserSheetColumn, number>> } | null {
  for (let index = 0; index < Math.min(rows.length, 10); index++) {
    const columns: Partial<Record<UserSheetColumn, number>> = {};
    rows[index]!.cells.forEach((cell, column) => {
      const text = heading(cell);
      const name = userSheetColumns.find((candidate) => headingSynonyms[candidate].includes(text));
      if (name && columns[name] === undefined) columns[name] = column;
    });
    if (requiredColumns.every((name) => columns[name] !== undefined)) return { index, columns };
  }
  return null;
}

/**
 * Reads a filled-in users sheet (the rows of its table) against the organization's departments
 * and the user names already taken: who it would create and what is wrong with which row. A
 * sheet that cannot be read as a users sheet at all is a refusal.
 */
export function readUserSheet(
  rows: readonly TableRow[],
  context: UserSheetContext,
): UserSheetReading | UserSheetRefusal {
  const found = findHeading(rows);
  if (!found)
    return { code: 'userSheet.header_not_found', params: { columns: userSheetColumns.join('、') } };
  const departmentOf = new Map<string, { id: string; name: string }>();
  for (const department of context.departments) {
    for (const name of [department.name, ...department.aliases])
      if (!departmentOf.has(compact(name))) departmentOf.set(compact(name), department);
  }
  const cell = (row: TableRow, column: UserSheetColumn) => {
    const at = found.columns[column];
    return at === undefined ? '' : (row.cells[at] ?? '').trim();
  };

  const entries: UserSheetEntry[] = [];
  const problems: UserSheetProblem[] = [];
  const firstRowOf = new Map<string, number>();
  let rowsRead = 0;
  let exampleRow: number | null = null;
  for (const row of rows.slice(found.index + 1)) {
    if (userSheetColumns.every((column) => cell(row, column) === '')) continue;
    const username = cell(row, '用户名');
    const displayName = cell(row, '姓名').replace(/\s+/g, ' ');
    if (
      exampleRow === null &&
      username === exampleUser.username &&
      displayName === exampleUser.displayName
    ) {
      exampleRow = row.sourceRow;
      continue;
    }
    rowsRead++;
    const before = problems.length;
    const problem = (code: UserSheetProblemCode, params: ErrorParams = {}) =>
      problems.push({ row: row.sourceRow, username, code, params });

    if (!username) problem('userSheet.username_missing');
    else if (!usernameSchema.safeParse(username).success)
      problem('userSheet.username_invalid', { username });
    else {
      const key = username.toLowerCase();
      const first = firstRowOf.get(key);
      if (first !== undefined) problem('userSheet.duplicate_in_file', { username, first });
      else {
        firstRowOf.set(key, row.sourceRow);
        if (context.takenUsernames.has(key)) problem('userSheet.name_taken', { username });
      }
    }
    if (!displayName) problem('userSheet.name_missing');
    else if (displayName.length > 100)
      problem('userSheet.name_too_long', { length: displayName.length });

    const roleText = cell(row, '角色');
    const role = roleText ? roleOfWord(roleText) : null;
    if (!roleText) problem('userSheet.role_missing', { roles: roleWords.join('、') });
    else if (!role)
      problem('userSheet.unknown_role', { role: roleText, roles: roleWords.join('、') });

    const departmentText = cell(row, '所属部门');
    const department = departmentText ? departmentOf.get(compact(departmentText)) : undefined;
    if (departmentText && !department)
      problem('userSheet.unknown_department', { department: departmentText });
    else if (!departmentText && role === 'liaison') problem('userSheet.department_required');

    const email = cell(row, '邮箱');
    if (email && !emailSchema.safeParse(email).success) problem('userSheet.bad_email', { email });
    const phone = cell(row, '电话');
    if (phone.length > 40) problem('userSheet.phone_too_long', { phone: phone.slice(0, 40) });

    if (problems.length === before) {
      entries.push({
        row: row.sourceRow,
        username,
        displayName,
        role: role!,
        departmentId: department?.id ?? null,
        departmentName: department?.name ?? null,
        email: email || null,
        phone: phone || null,
      });
    }
  }
  if (rowsRead === 0) return { code: 'userSheet.no_rows', params: {} };
  if (rowsRead > maxUsersPerSheet)
    return { code: 'userSheet.too_many_rows', params: { rows: rowsRead, limit: maxUsersPerSheet } };
  return { entries, problems, rowsRead, exampleRow };
}

export function isUserSheetRefusal(
  reading: UserSheetReading | UserSheetRefusal,
): reading is UserSheetRefusal {
  return 'code' in reading;
}
