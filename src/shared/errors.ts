/**
 * Every error a user can meet, by stable code, with its HTTP status and its message in
 * each language. Messages take {placeholders} filled from the error's params.
 * A code, once shipped, keeps its meaning: clients and tests match on it.
 */
export const errorCatalogue = {
  // request and framework
  'request.invalid': { status: 400, 'zh-CN': '请求内容有误，请检查标出的字段。', en: 'The request is not valid; see the fields listed.' },
  'request.not_found': { status: 404, 'zh-CN': '没有这个地址。', en: 'There is nothing at this address.' },
  'request.too_large': { status: 413, 'zh-CN': '内容太大，最多 {limit}。', en: 'Too large: at most {limit}.' },
  'request.rate_limited': { status: 429, 'zh-CN': '请求太频繁，请稍后再试。', en: 'Too many requests; try again shortly.' },
  'internal': { status: 500, 'zh-CN': '系统出错了，已记录，请稍后再试或联系管理员。', en: 'Something went wrong on our side; it has been logged. Try again later or contact the administrator.' },

  // authentication and authorization
  'auth.required': { status: 401, 'zh-CN': '请先登录。', en: 'Please sign in first.' },
  'auth.invalid_credentials': { status: 401, 'zh-CN': '用户名或密码不正确。', en: 'Wrong user name or password.' },
  'auth.account_disabled': { status: 403, 'zh-CN': '该账号已停用，请联系管理员。', en: 'This account is disabled; contact the administrator.' },
  'auth.password_change_required': { status: 403, 'zh-CN': '首次登录或密码已过期，请先修改密码。', en: 'You must change your password before going on.' },
  'auth.password_too_weak': { status: 400, 'zh-CN': '新密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名。', en: 'The new password needs at least 8 characters of three kinds (upper case, lower case, digits, symbols) and must not contain the user name.' },
  'auth.password_reused': { status: 400, 'zh-CN': '新密码不能与当前密码相同。', en: 'The new password must differ from the current one.' },
  'auth.csrf': { status: 403, 'zh-CN': '页面已过期，请刷新后重试。', en: 'This page has expired; reload it and try again.' },
  'auth.forbidden': { status: 403, 'zh-CN': '您没有权限进行此操作。', en: 'You are not allowed to do this.' },

  // domain
  'organization.not_found': { status: 404, 'zh-CN': '找不到该单位。', en: 'Organization not found.' },
  'department.not_found': { status: 404, 'zh-CN': '找不到该部门。', en: 'Department not found.' },
  'department.name_taken': { status: 409, 'zh-CN': '已有名为“{name}”的部门或别名。', en: 'A department or alias named “{name}” already exists.' },
  'department.version_conflict': { status: 409, 'zh-CN': '该部门已被他人修改，请刷新后再改。', en: 'Someone else changed this department; reload and try again.' },
  'standard.not_found': { status: 404, 'zh-CN': '找不到该质量标准。', en: 'Standard not found.' },
  'plan.not_found': { status: 404, 'zh-CN': '找不到该工作方案。', en: 'Plan not found.' },
  'user.not_found': { status: 404, 'zh-CN': '找不到该用户。', en: 'User not found.' },
  'user.name_taken': { status: 409, 'zh-CN': '用户名“{username}”已被使用。', en: 'The user name “{username}” is taken.' },
  'user.department_required': { status: 400, 'zh-CN': '部门联络员必须属于一个部门。', en: 'A department liaison must belong to a department.' },

  'breakdown.not_assigned': { status: 422, 'zh-CN': '指标 {no} 不由本部门负责，不能为其填写落实措施。', en: 'Item {no} is not one this department answers for.' },
  'breakdown.locked': { status: 409, 'zh-CN': '任务分解表已{status}，不能再修改；如需修改请联系党委教师工作部退回。', en: 'The task breakdown is {status} and can no longer be changed; ask the coordinating office to return it.' },
  'breakdown.incomplete': { status: 422, 'zh-CN': '还有 {count} 项指标没有填写落实措施（{items}），请补充后再报送。', en: '{count} items still have no measure ({items}); add them before submitting.' },
  'breakdown.liaison_missing': { status: 422, 'zh-CN': '请先填写本部门联络员的姓名、电话和邮箱，再报送。', en: 'Name the department liaison (name, phone, e-mail) before submitting.' },
  'breakdown.not_submitted': { status: 409, 'zh-CN': '该部门的任务分解表尚未报送，不能审核。', en: 'This department has not submitted its task breakdown; there is nothing to review.' },
  'breakdown.unknown_item': { status: 422, 'zh-CN': '意见中有不属于该部门的指标。', en: 'A comment names an item this department does not answer for.' },
  'measure.not_found': { status: 404, 'zh-CN': '找不到该落实措施，可能已被删除。', en: 'Measure not found; it may have been deleted.' },
  'measure.version_conflict': { status: 409, 'zh-CN': '这条落实措施已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。', en: 'Someone else changed this measure (now version {version}); your change was not saved. Review the current text and try again.' },

  // import of a plan document
  'import.empty_file': { status: 400, 'zh-CN': '文件是空的。', en: 'The file is empty.' },
  'import.too_large': { status: 413, 'zh-CN': '文件太大（{size}），最多 {limit}。', en: 'The file is too large ({size}); the limit is {limit}.' },
  'import.bad_file_name': { status: 400, 'zh-CN': '文件名“{name}”不合法：不能包含路径或特殊字符。', en: 'The file name “{name}” is not allowed: no paths or control characters.' },
  'import.unsupported_type': { status: 415, 'zh-CN': '不支持这种文件（{detected}）。请上传 .docx、.xlsx 或 .txt 文件。', en: 'This kind of file is not supported ({detected}). Upload a .docx, .xlsx or .txt file.' },
  'import.legacy_office': { status: 415, 'zh-CN': '这是旧版 Office 文件（.doc/.xls），请在 Word/Excel/WPS 中另存为 .docx 或 .xlsx 后再上传。', en: 'This is an old Office file (.doc/.xls); save it as .docx or .xlsx and upload again.' },
  'import.type_mismatch': { status: 415, 'zh-CN': '文件名是 {extension}，但内容是 {detected}。请检查是否选错了文件。', en: 'The name says {extension} but the content is {detected}. Check that you picked the right file.' },
  'import.corrupt_file': { status: 400, 'zh-CN': '文件已损坏或不完整，无法读取（{detail}）。', en: 'The file is damaged or incomplete and cannot be read ({detail}).' },
  'import.zip_bomb': { status: 413, 'zh-CN': '文件解压后过大（{size}，上限 {limit}），已拒绝。', en: 'The file inflates to too much ({size}; the limit is {limit}); refused.' },
  'import.not_text': { status: 415, 'zh-CN': '文件不是可读的文本（无法识别编码或含有二进制内容）。', en: 'The file is not readable text (unknown encoding or binary content).' },
  'import.header_not_found': { status: 422, 'zh-CN': '没有找到任务分解表的表头（需要“一级指标”“二级指标”“指标内容”“责任部门”等列）。', en: 'No task-breakdown table header found (columns such as 一级指标, 二级指标, 指标内容, 责任部门 are needed).' },
  'import.no_items': { status: 422, 'zh-CN': '表头下没有任何指标内容。', en: 'The table has a header but no items under it.' },
  'import.item_number_missing': { status: 422, 'zh-CN': '第 {row} 行：指标内容没有编号。', en: 'Row {row}: the item has no number.' },
  'import.item_number_gap': { status: 422, 'zh-CN': '第 {row} 行：指标编号从 {previous} 跳到了 {found}（应为 {expected}）。', en: 'Row {row}: item numbers jump from {previous} to {found} (expected {expected}).' },
  'import.item_number_repeated': { status: 422, 'zh-CN': '第 {row} 行：指标编号 {found} 重复。', en: 'Row {row}: item number {found} appears twice.' },
  'import.level_missing': { status: 422, 'zh-CN': '第 {row} 行：指标 {no} 前面没有{level}。', en: 'Row {row}: item {no} has no {level} above it.' },
  'import.departments_missing': { status: 422, 'zh-CN': '第 {row} 行：指标 {no} 没有责任部门。', en: 'Row {row}: item {no} has no responsible department.' },
  'import.too_many_rows': { status: 413, 'zh-CN': '表格行数过多（{rows} 行，上限 {limit} 行）。', en: 'The table has too many rows ({rows}; the limit is {limit}).' },
} as const satisfies Record<string, { status: number; 'zh-CN': string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];
export type ErrorParams = Record<string, string | number>;

/** One problem with one field of a request. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The one error type services throw. Routes never build error replies themselves:
 * the server's error handler turns this into `{ error: { code, message, ... } }`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly issues: FieldIssue[];
  /** The record as it now is, for a conflict: the client shows it instead of guessing. */
  readonly current: unknown;

  constructor(code: ErrorCode, params: ErrorParams = {}, issues: FieldIssue[] = [], current?: unknown) {
    super(formatErrorMessage(code, params, 'en'));
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.issues = issues;
    this.current = current;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

export function formatErrorMessage(code: ErrorCode, params: ErrorParams, locale: Locale): string {
  const template = errorCatalogue[code][locale];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
