/**
 * Every error a user can meet, by stable code, with its HTTP status and its message in
 * each language. Messages take {placeholders} filled from the error's params.
 * A code, once shipped, keeps its meaning: clients and tests match on it.
 */
export const errorCatalogue = {
  // request and framework
  'request.invalid': {
    status: 400,
    'zh-CN': '请求内容有误，请检查标出的字段。',
    en: 'The request is not valid; see the fields listed.',
  },
  'request.not_found': {
    status: 404,
    'zh-CN': '没有这个地址。',
    en: 'There is nothing at this address.',
  },
  'request.too_large': {
    status: 413,
    'zh-CN': '内容太大，最多 {limit}。',
    en: 'Too large: at most {limit}.',
  },
  'request.rate_limited': {
    status: 429,
    'zh-CN': '请求太频繁，请稍后再试。',
    en: 'Too many requests; try again shortly.',
  },
  internal: {
    status: 500,
    'zh-CN': '系统出错了，已记录，请稍后再试或联系管理员。',
    en: 'Something went wrong on our side; it has been logged. Try again later or contact the administrator.',
  },

  // authentication and authorization
  'auth.required': { status: 401, 'zh-CN': '请先登录。', en: 'Please sign in first.' },
  'auth.invalid_credentials': {
    status: 401,
    'zh-CN': '用户名或密码不正确。',
    en: 'Wrong user name or password.',
  },
  'auth.account_disabled': {
    status: 403,
    'zh-CN': '该账号已停用，请联系管理员。',
    en: 'This account is disabled; contact the administrator.',
  },
  'auth.password_change_required': {
    status: 403,
    'zh-CN': '首次登录或密码已过期，请先修改密码。',
    en: 'You must change your password before going on.',
  },
  'auth.password_too_weak': {
    status: 400,
    'zh-CN':
      '新密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名。',
    en: 'The new password needs at least 8 characters of three kinds (upper case, lower case, digits, symbols) and must not contain the user name.',
  },
  'auth.password_reused': {
    status: 400,
    'zh-CN': '新密码不能与当前密码相同。',
    en: 'The new password must differ from the current one.',
  },
  'auth.csrf': {
    status: 403,
    'zh-CN': '页面已过期，请刷新后重试。',
    en: 'This page has expired; reload it and try again.',
  },
  'auth.forbidden': {
    status: 403,
    'zh-CN': '您没有权限进行此操作。',
    en: 'You are not allowed to do this.',
  },
  'auth.account_locked': {
    status: 423,
    'zh-CN': '连续 {count} 次登录失败，账号已锁定，请于 {until}（北京时间）之后再试。',
    en: 'After {count} failed sign-ins this account is locked until {until} (China Standard Time); try again after that.',
  },
  'auth.totp_required': {
    status: 401,
    'zh-CN': '请输入身份验证器 App 上显示的 6 位动态码。',
    en: 'Enter the 6-digit code shown in your authenticator app.',
  },
  'auth.totp_invalid': {
    status: 401,
    'zh-CN': '动态码不正确或已使用过，请输入身份验证器上最新的 6 位动态码。',
    en: 'The code is wrong or was already used; enter the latest 6-digit code from your authenticator.',
  },
  'auth.totp_already_enabled': {
    status: 409,
    'zh-CN': '已开启两步验证；如需更换身份验证器，请先关闭再重新绑定。',
    en: 'Two-step verification is already on; turn it off before enrolling another authenticator.',
  },
  'auth.totp_not_started': {
    status: 409,
    'zh-CN': '请先点击“绑定身份验证器”获取密钥，再输入动态码。',
    en: 'Start the enrolment first to get a secret, then enter a code.',
  },
  'auth.totp_not_enabled': {
    status: 409,
    'zh-CN': '尚未开启两步验证。',
    en: 'Two-step verification is not on.',
  },
  // campus single sign-on (统一身份认证)
  'sso.provider_not_found': {
    status: 404,
    'zh-CN': '找不到这种统一身份认证登录方式，或它已停用。请用账号密码登录，或联系管理员。',
    en: 'This campus sign-on is unknown or turned off. Sign in with your password, or contact the administrator.',
  },
  'sso.ticket_invalid': {
    status: 401,
    'zh-CN': '统一身份认证的登录凭据无效或已用过，没有登录。请重新点击“使用统一身份认证登录”。',
    en: 'The campus sign-on ticket is invalid or was already used; you are not signed in. Start the campus sign-on again.',
  },
  'sso.state_invalid': {
    status: 401,
    'zh-CN':
      '这次登录已过期，或不是从本系统的登录页发起的，没有登录。请回到登录页重新点击统一身份认证登录。',
    en: "This sign-in expired or did not start on this site's sign-in page; you are not signed in. Start again from the sign-in page.",
  },
  'sso.token_invalid': {
    status: 401,
    'zh-CN':
      '统一身份认证返回的身份凭据未通过校验，没有登录。请重新登录；如仍不行，请联系管理员检查配置。',
    en: 'The identity token from the campus sign-on did not pass verification; you are not signed in. Try again, or ask the administrator to check the configuration.',
  },
  'sso.denied': {
    status: 401,
    'zh-CN': '统一身份认证没有完成（已取消或被拒绝），没有登录。',
    en: 'The campus sign-on was cancelled or refused; you are not signed in.',
  },
  'sso.provider_unreachable': {
    status: 502,
    'zh-CN': '暂时连不上统一身份认证服务，请稍后再试，或用账号密码登录。',
    en: 'The campus sign-on service cannot be reached right now; try again later or sign in with your password.',
  },
  'sso.no_account': {
    status: 403,
    'zh-CN': '您的统一身份认证账号尚未开通本系统，请联系党委教师工作部。',
    en: 'Your campus account has no access to this system yet; contact the coordinating office (党委教师工作部).',
  },
  'sso.settings_incomplete': {
    status: 422,
    'zh-CN': '配置不完整，请填写：{fields}。',
    en: 'The configuration is incomplete; fill in: {fields}.',
  },
  'sso.version_conflict': {
    status: 409,
    'zh-CN':
      '该登录方式已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新配置后再改。',
    en: 'Someone else changed this sign-on (now version {version}); your change was not saved. Review it and try again.',
  },
  'sso.link_required': {
    status: 403,
    'zh-CN':
      '该账号是管理员、审计员或已开启两步验证的账号，须由安全管理员将统一身份认证账号与其关联后才能这样登录。请先用本系统的密码登录。',
    en: 'This is an administrative, auditing or two-step-verified account: the security admin must link your campus account to it first. Sign in with your password meanwhile.',
  },
  'sso.link_taken': {
    status: 409,
    'zh-CN': '该统一身份认证账号已关联到另一个本系统账号。',
    en: 'This campus account is already linked to another account.',
  },

  // domain
  'organization.not_found': {
    status: 404,
    'zh-CN': '找不到该单位。',
    en: 'Organization not found.',
  },
  'oversight.institution_not_found': {
    status: 404,
    'zh-CN': '找不到该院校，或它不在本单位的督导范围内。',
    en: 'Institution not found, or not one your organization oversees.',
  },
  'oversight.supervisor_name_taken': {
    status: 409,
    'zh-CN': '已有名为“{name}”的上级主管部门。',
    en: 'A supervising organization named “{name}” already exists.',
  },
  'oversight.not_a_supervisor': {
    status: 422,
    'zh-CN': '“{name}”不是上级主管部门，不能督导院校。',
    en: '“{name}” is not a supervising organization.',
  },
  'oversight.not_an_institution': {
    status: 422,
    'zh-CN': '“{name}”不是院校，不能被督导。',
    en: '“{name}” is not an institution.',
  },
  'oversight.organization_ambiguous': {
    status: 409,
    'zh-CN': '有多个名为“{name}”的单位，请改用编号指定。',
    en: 'Several organizations are named “{name}”; name one by its id.',
  },
  'oversight.role_mismatch': {
    status: 422,
    'zh-CN': '上级督导账号只能建在上级主管部门中，其他角色只能建在院校中。',
    en: 'An overseer belongs to a supervising organization, and every other role to an institution.',
  },
  'department.not_found': { status: 404, 'zh-CN': '找不到该部门。', en: 'Department not found.' },
  'department.name_taken': {
    status: 409,
    'zh-CN': '已有名为“{name}”的部门或别名。',
    en: 'A department or alias named “{name}” already exists.',
  },
  'department.version_conflict': {
    status: 409,
    'zh-CN': '该部门已被他人修改，请刷新后再改。',
    en: 'Someone else changed this department; reload and try again.',
  },
  'department.merge_same': {
    status: 422,
    'zh-CN': '不能把部门合并到它自己。',
    en: 'A department cannot be merged into itself.',
  },
  'department.merge_conflict': {
    status: 409,
    'zh-CN':
      '“{source}”和“{target}”在工作方案“{plan}”中都已有任务分解表，不能直接合并。请先删除其中一份的落实措施。',
    en: '“{source}” and “{target}” both have a task breakdown in the plan “{plan}”; clear one of them before merging.',
  },
  'department.merge_overlap': {
    status: 409,
    'zh-CN':
      '“{source}”和“{target}”已各自填写了同一项工作（例如同一方案的总结或同一指标的自评），不能直接合并。请先删除其中一份。',
    en: "“{source}” and “{target}” each already have the same piece of work (such as a plan's summary or an item's self-assessment); delete one of them before merging.",
  },
  'department.in_use': {
    status: 409,
    'zh-CN':
      '部门“{name}”仍负责 {assignments} 项指标，有 {users} 个用户、{submissions} 份任务分解表，不能删除。可以把它合并到另一个部门。',
    en: 'The department “{name}” still answers for {assignments} items and has {users} users and {submissions} task breakdowns, so it cannot be deleted. Merge it into another department instead.',
  },
  'group.not_found': {
    status: 404,
    'zh-CN': '找不到该部门组。',
    en: 'Department group not found.',
  },
  'item.not_found': { status: 404, 'zh-CN': '找不到该指标。', en: 'Item not found.' },
  'assignment.orphans_measures': {
    status: 409,
    'zh-CN':
      '“{department}”已为指标 {no} 填写了 {count} 条落实措施，不能取消它对该指标的责任。请先删除这些措施。',
    en: '“{department}” has written {count} measures for item {no}; it cannot be taken off that item until they are deleted.',
  },
  'report.not_found': {
    status: 404,
    'zh-CN': '找不到该质量报告。',
    en: 'Quality report not found.',
  },
  'report.not_ready': {
    status: 409,
    'zh-CN': '质量报告还没有生成完成（当前进度 {progress}%），请稍后再试。',
    en: 'The quality report is not ready yet ({progress}% done); try again shortly.',
  },
  'report.figure_unknown': {
    status: 404,
    'zh-CN':
      '该质量报告中没有这个数字，只能查看报告中各数字背后的记录。请回到报告，点击其中的数字。',
    en: "This quality report has no such figure; only the records behind the report's own figures open here. Go back to the report and click one of its figures.",
  },
  'report.already_published': {
    status: 409,
    'zh-CN': '该报告已发布评价。如数据有更新，请重新生成一版再发布。',
    en: 'This report is already open for review; generate a new version to publish updated figures.',
  },
  'review.version_conflict': {
    status: 409,
    'zh-CN': '您的评价已在其他页面修改过，请刷新后再改。',
    en: 'Your review was changed elsewhere; reload and try again.',
  },
  'assignment.group_not_assigned': {
    status: 422,
    'zh-CN': '“{group}”不是指标 {no} 的责任部门，无法指定。',
    en: '“{group}” is not responsible for item {no}; there is nothing to resolve.',
  },
  'standard.not_found': { status: 404, 'zh-CN': '找不到该质量标准。', en: 'Standard not found.' },
  'plan.not_found': { status: 404, 'zh-CN': '找不到该工作方案。', en: 'Plan not found.' },
  'user.not_found': { status: 404, 'zh-CN': '找不到该用户。', en: 'User not found.' },
  'user.name_taken': {
    status: 409,
    'zh-CN': '用户名“{username}”已被使用。',
    en: 'The user name “{username}” is taken.',
  },
  'user.department_required': {
    status: 400,
    'zh-CN': '部门联络员必须属于一个部门。',
    en: 'A department liaison must belong to a department.',
  },
  'user.cannot_lock_self': {
    status: 422,
    'zh-CN': '不能停用自己的账号或更改自己的角色，请由另一位系统管理员操作。',
    en: 'You cannot disable your own account or change your own role; ask another administrator.',
  },
  'user.version_conflict': {
    status: 409,
    'zh-CN': '该用户已被他人修改，请刷新后再改。',
    en: 'Someone else changed this user; reload and try again.',
  },
  'user.role_forbidden': {
    status: 403,
    'zh-CN':
      '您不能授予“{role}”角色：系统管理员、安全管理员、安全审计员等特权角色只能由安全管理员授予。',
    en: 'You cannot give the role “{role}”: privileged roles (administrator, security administrator, auditor…) are given by a security administrator only.',
  },
  'user.privileged_account': {
    status: 403,
    'zh-CN': '“{username}”是特权账号（{role}），只能由安全管理员管理。',
    en: '“{username}” is a privileged account ({role}); only a security administrator manages it.',
  },
  'user.last_of_role': {
    status: 409,
    'zh-CN': '“{username}”是最后一位启用的{role}，不能停用或改为其他角色。请先创建另一位{role}。',
    en: '“{username}” is the last active {role}; they cannot be disabled or given another role. Create another {role} first.',
  },
  'user.not_locked': {
    status: 409,
    'zh-CN': '该账号没有被锁定。',
    en: 'This account is not locked.',
  },
  'user.cannot_reset_own_totp': {
    status: 422,
    'zh-CN': '不能重置自己的身份验证器，请由另一位安全管理员操作。',
    en: 'You cannot reset your own authenticator; ask another security administrator.',
  },
  'user.totp_not_enabled': {
    status: 409,
    'zh-CN': '该用户没有绑定身份验证器，无需重置。',
    en: 'This user has no authenticator to reset.',
  },
  'auth.totp_enrolment_required': {
    status: 403,
    'zh-CN': '安全管理员必须开启两步验证：请先在“账号安全”中绑定身份验证器。',
    en: 'Security administrators must use two-step verification: enrol an authenticator under Account security first.',
  },
  'auth.totp_required_for_role': {
    status: 409,
    'zh-CN': '您的角色必须使用两步验证，不能关闭。如需更换身份验证器，请另一位安全管理员为您重置。',
    en: 'Your role requires two-step verification; it cannot be turned off. To change authenticators, ask another security administrator to reset it.',
  },
  'audit.export_too_large': {
    status: 422,
    'zh-CN':
      '符合条件的审计记录有 {count} 条，超过一次导出的上限 {limit} 条。请缩小时间范围或增加筛选条件后再导出。',
    en: '{count} audit entries match, more than the {limit} one export holds. Narrow the dates or add a filter and export again.',
  },
  'audit.invalid_range': {
    status: 400,
    'zh-CN': '开始日期不能晚于结束日期。',
    en: 'The start date must not be after the end date.',
  },
  'upload.not_spreadsheet': {
    status: 415,
    'zh-CN': '请上传 Excel 表格（.xlsx 或 .xls）。未做任何更改。',
    en: 'Upload an Excel sheet (.xlsx or .xls). Nothing was changed.',
  },
  'upload.busy': {
    status: 503,
    'zh-CN': '正在处理其他上传的文件，请稍后再试。未做任何更改。',
    en: 'Other uploaded files are being read: try again in a moment. Nothing was changed.',
  },
  'upload.too_heavy': {
    status: 422,
    'zh-CN':
      '读取这个文件所需的时间或内存超出了服务器的限制，文件可能过大或已损坏。请检查文件，或拆分后分批上传。未做任何更改。',
    en: 'Reading this file needs more time or memory than the server allows: it may be too large or damaged. Check it, or split it and upload the parts. Nothing was changed.',
  },
  'export.busy': {
    status: 503,
    'zh-CN': '正在生成其他导出的文件，请稍后再试。',
    en: 'Other exports are being written: try again in a moment.',
  },
  'export.too_heavy': {
    status: 422,
    'zh-CN': '生成这个文件所需的时间或内存超出了服务器的限制。请缩小范围或增加筛选条件后再导出。',
    en: 'Writing this file needs more time or memory than the server allows. Narrow it or add a filter and export again.',
  },
  'userSheet.not_xlsx': {
    status: 415,
    'zh-CN': '请上传 Excel 表格（.xlsx 或 .xls）。可先点击“下载模板”，在模板中填写后再上传。',
    en: 'Upload an Excel sheet (.xlsx or .xls): download the template, fill it in and upload it.',
  },
  'userSheet.header_not_found': {
    status: 422,
    'zh-CN': '没有找到表头。表格第一行应为：{columns}。请使用“下载模板”得到的表格填写。',
    en: 'No heading row found. The first row should be: {columns}. Fill in the downloaded template.',
  },
  'userSheet.no_rows': {
    status: 422,
    'zh-CN': '表格中没有要创建的用户（示例行不会导入）。请在表头下方逐行填写。',
    en: 'The sheet names nobody to create (the example row is not imported). Fill in one person per row under the heading.',
  },
  'userSheet.too_many_rows': {
    status: 413,
    'zh-CN': '一次最多导入 {limit} 个用户，表格中有 {rows} 个。请分成几个表格导入。',
    en: 'At most {limit} users per sheet; this one has {rows}. Split it.',
  },
  'userSheet.has_problems': {
    status: 422,
    'zh-CN': '表格中有 {count} 处问题（第 {rows} 行），没有创建任何用户。请改正后重新上传。',
    en: 'The sheet has {count} problems (rows {rows}); nobody was created. Fix them and upload again.',
  },
  'userSheet.name_taken_meanwhile': {
    status: 409,
    'zh-CN': '表格中的某个用户名刚刚被他人使用，没有创建任何用户。请重新上传，系统会指出是哪一行。',
    en: 'A user name of the sheet was taken by someone else just now; nobody was created. Upload it again to see which row.',
  },
  'userSheet.username_missing': { status: 422, 'zh-CN': '没有填写用户名。', en: 'No user name.' },
  'userSheet.username_invalid': {
    status: 422,
    'zh-CN':
      '用户名“{username}”不可用：只能用 2–64 位英文字母、数字和 . _ @ -（不能有汉字和空格）。',
    en: 'The user name “{username}” is not allowed: 2–64 letters, digits and . _ @ - only.',
  },
  'userSheet.duplicate_in_file': {
    status: 422,
    'zh-CN': '用户名“{username}”与表格第 {first} 行重复。',
    en: 'The user name “{username}” repeats row {first} of the sheet.',
  },
  'userSheet.name_taken': {
    status: 422,
    'zh-CN': '用户名“{username}”已被使用，请换一个。',
    en: 'The user name “{username}” is already taken; choose another.',
  },
  'userSheet.name_missing': { status: 422, 'zh-CN': '没有填写姓名。', en: 'No name.' },
  'userSheet.name_too_long': {
    status: 422,
    'zh-CN': '姓名太长（{length} 个字），最多 100 个字。',
    en: 'The name is too long ({length} characters; at most 100).',
  },
  'userSheet.role_missing': {
    status: 422,
    'zh-CN': '没有填写角色，应为：{roles}。',
    en: 'No role; write one of: {roles}.',
  },
  'userSheet.unknown_role': {
    status: 422,
    'zh-CN': '没有“{role}”这个角色，应为：{roles}。',
    en: 'There is no role “{role}”; write one of: {roles}.',
  },
  'userSheet.unknown_department': {
    status: 422,
    'zh-CN': '没有名为“{department}”的部门。请从下拉列表中选择，或先在“部门管理”中添加。',
    en: 'There is no department named “{department}”. Pick one from the list, or add it under Departments first.',
  },
  'userSheet.department_required': {
    status: 422,
    'zh-CN': '部门联络员必须填写所属部门。',
    en: 'A department liaison needs a department.',
  },
  'userSheet.bad_email': {
    status: 422,
    'zh-CN': '邮箱“{email}”格式不正确。',
    en: 'The e-mail address “{email}” is not valid.',
  },
  'userSheet.phone_too_long': {
    status: 422,
    'zh-CN': '电话“{phone}…”太长，最多 40 个字符。',
    en: 'The phone number “{phone}…” is too long (at most 40 characters).',
  },

  'breakdown.not_assigned': {
    status: 422,
    'zh-CN': '指标 {no} 不由本部门负责，不能为其填写落实措施。',
    en: 'Item {no} is not one this department answers for.',
  },
  'breakdown.liaison_conflict': {
    status: 409,
    'zh-CN': '联络员信息已被他人修改（现为 {name}），您的修改未保存。请查看最新内容后再改。',
    en: 'Someone else changed the liaison (now {name}); your change was not saved. Review it and try again.',
  },
  'breakdown.locked': {
    status: 409,
    'zh-CN': '任务分解表已{status}，不能再修改；如需修改请联系党委教师工作部退回。',
    en: 'The task breakdown is {status} and can no longer be changed; ask the coordinating office to return it.',
  },
  'breakdown.incomplete': {
    status: 422,
    'zh-CN': '还有 {count} 项指标没有填写落实措施（{items}），请补充后再报送。',
    en: '{count} items still have no measure ({items}); add them before submitting.',
  },
  'breakdown.liaison_missing': {
    status: 422,
    'zh-CN': '请先填写本部门联络员的姓名、电话和邮箱，再报送。',
    en: 'Name the department liaison (name, phone, e-mail) before submitting.',
  },
  'breakdown.not_submitted': {
    status: 409,
    'zh-CN': '该部门的任务分解表尚未报送，不能审核。',
    en: 'This department has not submitted its task breakdown; there is nothing to review.',
  },
  'breakdown.already_approved': {
    status: 409,
    'zh-CN': '该部门的任务分解表已审核通过，无需再次审核。',
    en: "This department's task breakdown is already approved; there is nothing to review.",
  },
  'breakdown.unknown_item': {
    status: 422,
    'zh-CN': '意见中有不属于该部门的指标。',
    en: 'A comment names an item this department does not answer for.',
  },
  'measure.not_found': {
    status: 404,
    'zh-CN': '找不到该落实措施，可能已被删除。',
    en: 'Measure not found; it may have been deleted.',
  },
  'measure.deadline_date_required': {
    status: 422,
    'zh-CN':
      '“{kind}”需要填写日期：具体日期填完成日期，每学期填第一学期的完成日期（各校学期结束的日子不同）。长期坚持无需日期。',
    en: '“{kind}” needs a date: the due date for a date, the first due date for every semester (semesters end on different days at every institution). Ongoing needs none.',
  },
  'measure.deadline_no_such_date': {
    status: 422,
    'zh-CN': '日历上没有 {date} 这一天，请检查完成时限的日期。',
    en: 'The calendar has no day {date}; check the deadline.',
  },
  'measure.version_conflict': {
    status: 409,
    'zh-CN':
      '这条落实措施已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。',
    en: 'Someone else changed this measure (now version {version}); your change was not saved. Review the current text and try again.',
  },
  'obligation.not_found': {
    status: 404,
    'zh-CN': '找不到这条量化要求，可能已被删除。',
    en: 'Obligation not found.',
  },
  'obligation.version_conflict': {
    status: 409,
    'zh-CN':
      '这条量化要求已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。',
    en: 'Someone else changed this obligation (now version {version}); your change was not saved. Review it and try again.',
  },
  'obligation.incomplete': {
    status: 422,
    'zh-CN': '请先填写周期和最少次数（比例类要求填写目标比例），再确认这条量化要求。',
    en: 'Fill in the period and the minimum count (or the target share) before confirming this obligation.',
  },
  'obligation.not_confirmed': {
    status: 409,
    'zh-CN': '这条量化要求尚未确认或已撤销，不能登记履职记录。',
    en: 'This obligation is not confirmed (or was dismissed); occurrences cannot be recorded for it.',
  },
  'obligation.not_assigned': {
    status: 422,
    'zh-CN': '指标 {no} 不由“{department}”负责，不能为其登记履职记录。',
    en: 'Item {no} is not one “{department}” answers for; nothing can be recorded for it.',
  },
  'occurrence.not_found': {
    status: 404,
    'zh-CN': '找不到这条履职记录，可能已被删除。',
    en: 'Occurrence not found; it may have been deleted.',
  },
  'occurrence.future': {
    status: 422,
    'zh-CN': '日期 {date} 晚于今天（{today}），只能登记已经发生的事项。',
    en: 'The date {date} is after today ({today}); record only what has happened.',
  },
  'occurrence.share_required': {
    status: 422,
    'zh-CN': '这条要求按人数比例考核，请填写“达到人数”和“总人数”。',
    en: 'This obligation is counted person by person: give how many reached it and out of how many.',
  },
  'occurrence.share_not_applicable': {
    status: 422,
    'zh-CN': '这条要求按次数考核，不需要填写人数，请删去人数后再保存。',
    en: 'This obligation counts occurrences; leave the head counts empty.',
  },

  // conclude phase: summaries (总结报告), self-assessment (自评自测), moderation
  'summary.locked': {
    status: 409,
    'zh-CN': '本部门的总结报告和自评已报送，不能再修改；如需修改请联系党委教师工作部退回。',
    en: "This department's summary and self-assessment are submitted and can no longer be changed; ask the coordinating office to return them.",
  },
  'summary.version_conflict': {
    status: 409,
    'zh-CN':
      '总结报告已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。',
    en: 'Someone else changed this summary (now version {version}); your change was not saved. Review the current text and try again.',
  },
  'summary.incomplete': {
    status: 422,
    'zh-CN': '还不能报送：{missing}。',
    en: 'Not ready to submit: {missing}.',
  },
  'summary.not_submitted': {
    status: 409,
    'zh-CN': '该部门的总结报告尚未报送，不能退回。',
    en: 'This department has not submitted its summary; there is nothing to return.',
  },
  'selfAssessment.not_assigned': {
    status: 422,
    'zh-CN': '指标 {no} 不由本部门负责，不能自评。',
    en: 'Item {no} is not one this department answers for; it cannot rate it.',
  },
  'selfAssessment.unknown_rating': {
    status: 422,
    'zh-CN': '“{rating}”不是本方案的评价等级，请从 {levels} 中选择。',
    en: "“{rating}” is not a level of this plan's scale; choose one of {levels}.",
  },
  'selfAssessment.version_conflict': {
    status: 409,
    'zh-CN':
      '这项自评已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。',
    en: 'Someone else changed this rating (now version {version}); your change was not saved. Review it and try again.',
  },
  'ratingScale.in_use': {
    status: 409,
    'zh-CN': '已有部门开始自评，评价等级不能再修改。',
    en: 'Departments have started rating; the scale can no longer change.',
  },
  'ratingScale.version_conflict': {
    status: 409,
    'zh-CN': '评价等级已被他人修改，您的修改未保存。请刷新后再改。',
    en: 'Someone else changed the scale; your change was not saved. Reload and try again.',
  },
  'moderation.version_conflict': {
    status: 409,
    'zh-CN':
      '这项指标的学校评价已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新内容后再改。',
    en: "Someone else changed the institution's rating of this item (now version {version}); your change was not saved.",
  },
  // findings (查摆问题) and rectification (整改)
  'finding.not_found': { status: 404, 'zh-CN': '找不到该问题。', en: 'Finding not found.' },
  'finding.version_conflict': {
    status: 409,
    'zh-CN':
      '该问题已被他人处理（当前为第 {version} 版），您的操作未生效。请查看最新情况后再操作。',
    en: 'Someone else acted on this finding (now version {version}); your change was not made. Review it and try again.',
  },
  'finding.transition_refused': {
    status: 409,
    'zh-CN': '问题当前为“{state}”，不能{action}。',
    en: 'The finding is {state}; it cannot be {action} now.',
  },
  'finding.not_owner': {
    status: 403,
    'zh-CN': '只有整改责任部门（{department}）可以{action}。',
    en: 'Only the owner department ({department}) may {action}.',
  },
  'finding.no_actions': {
    status: 422,
    'zh-CN': '还没有登记任何整改措施，不能{action}。',
    en: 'No rectification action has been recorded yet; the finding cannot be {action}.',
  },
  'finding.unknown_item': {
    status: 422,
    'zh-CN': '所选指标不属于本方案。',
    en: 'An item chosen is not part of this plan.',
  },
  'nextYear.open_immediate': {
    status: 409,
    'zh-CN':
      '还有 {count} 个立行立改的问题没有整改核验：{findings}。没有开启下一年度。请先核验这些问题，或逐个确认“转入下年度”后再开启。',
    en: "{count} immediate findings are still open: {findings}. Next year's plan was not started. Verify them first, or explicitly carry each one over.",
  },
  'nextYear.unknown_finding': {
    status: 422,
    'zh-CN': '要转入下年度的问题中有不属于本方案或已关闭的问题。',
    en: 'A finding to carry over is not an open finding of this plan.',
  },
  'nextYear.exists': {
    status: 409,
    'zh-CN': '{year} 年度的工作方案已经由本方案开启过了。',
    en: 'The {year} plan has already been started from this plan.',
  },

  // editing a plan on the web (方案维护) and extension requests (延期申请)
  'plan.phase_not_found': { status: 404, 'zh-CN': '找不到该阶段。', en: 'Phase not found.' },
  'plan.deliverable_not_found': {
    status: 404,
    'zh-CN': '找不到该报送时限。',
    en: 'Deadline not found.',
  },
  'plan.item_not_found': {
    status: 404,
    'zh-CN': '该指标内容不属于本方案。',
    en: 'This item is not part of the plan.',
  },
  'plan.indicator_not_found': {
    status: 422,
    'zh-CN': '所选二级指标不属于本方案。',
    en: 'The level-2 indicator chosen is not part of this plan.',
  },
  'plan.item_retired': {
    status: 409,
    'zh-CN': '指标内容 {no} 已经停用，没有再次停用或修改。',
    en: 'Item {no} is already retired; nothing was changed.',
  },
  'plan.phase_ends_before_start': {
    status: 422,
    'zh-CN': '阶段“{phase}”的结束日期早于开始日期，没有保存。',
    en: 'Phase “{phase}” would end before it starts; nothing was saved.',
  },
  'plan.phase_before_previous': {
    status: 422,
    'zh-CN': '阶段“{phase}”不能早于前一阶段“{previous}”开始或结束，没有保存。',
    en: 'Phase “{phase}” cannot start or end before the phase before it (“{previous}”); nothing was saved.',
  },
  'plan.deliverable_outside_phase': {
    status: 422,
    'zh-CN': '“{deliverable}”的时限不在阶段“{phase}”的起止日期之内，没有保存。',
    en: 'The deadline of “{deliverable}” falls outside phase “{phase}”; nothing was saved.',
  },
  'extension.not_found': {
    status: 404,
    'zh-CN': '找不到该延期申请。',
    en: 'Extension request not found.',
  },
  'extension.not_own': {
    status: 403,
    'zh-CN': '只能为本部门的落实措施或报送时限申请延期。',
    en: "You may only ask to extend your own department's measures and deadlines.",
  },
  'extension.not_later': {
    status: 422,
    'zh-CN': '申请的新时限（{requested}）必须晚于现在的时限（{current}）。',
    en: 'The new deadline ({requested}) must be later than the current one ({current}).',
  },
  'extension.measure_editable': {
    status: 409,
    'zh-CN': '任务分解表尚未报送，可以直接修改该措施的完成时限，无需申请延期。',
    en: "The task breakdown has not been submitted yet: change the measure's deadline directly, no extension is needed.",
  },
  'extension.pending_exists': {
    status: 409,
    'zh-CN': '该时限已有一份待审批的延期申请，请等待党委教师工作部处理。',
    en: 'This deadline already has an extension request waiting for a decision.',
  },
  'extension.decided': {
    status: 409,
    'zh-CN': '该延期申请已经处理过了（{status}），没有再次处理。',
    en: 'This extension request has already been decided ({status}); nothing was changed.',
  },
  'organization.invalid_time_zone': {
    status: 422,
    'zh-CN': '“{timeZone}”不是有效的时区名称（例如 Asia/Shanghai）。',
    en: '“{timeZone}” is not a time zone name (for example Asia/Shanghai).',
  },
  'extension.conflict': {
    status: 409,
    'zh-CN': '该延期申请已被他人处理或修改，请刷新后再看。',
    en: 'Someone else changed this extension request; reload it.',
  },

  // jobs and supervision (督办 / 催办)
  'job.not_found': { status: 404, 'zh-CN': '找不到该后台任务。', en: 'Background job not found.' },
  'notification.not_found': {
    status: 404,
    'zh-CN': '找不到该消息。',
    en: 'Notification not found.',
  },
  'notification.settings_conflict': {
    status: 409,
    'zh-CN':
      '消息设置已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新设置后再改。',
    en: 'Someone else changed the message settings (now version {version}); your change was not saved. Review them and try again.',
  },
  'notification.preferences_conflict': {
    status: 409,
    'zh-CN': '您的消息偏好已在别处修改，您的修改未保存。请刷新后再改。',
    en: 'Your message preferences were changed elsewhere; your change was not saved. Reload and try again.',
  },
  'supervision.settings_conflict': {
    status: 409,
    'zh-CN':
      '督办设置已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新设置后再改。',
    en: 'Someone else changed the supervision settings (now version {version}); your change was not saved. Review them and try again.',
  },
  'supervision.contact_conflict': {
    status: 409,
    'zh-CN': '“{department}”的负责人信息已被他人修改，您的修改未保存。请刷新后再改。',
    en: 'Someone else changed the head of “{department}”; your change was not saved. Reload and try again.',
  },
  'supervision.nothing_late': {
    status: 409,
    'zh-CN': '“{department}”目前没有逾期的工作，无需催办。',
    en: '“{department}” has no late work; there is nothing to remind it of.',
  },
  'supervision.nothing_late_anywhere': {
    status: 409,
    'zh-CN': '目前没有部门有逾期的工作，无需催办。',
    en: 'No department has late work; there is nobody to remind.',
  },
  'supervision.no_recipients': {
    status: 422,
    'zh-CN':
      '“{department}”还没有联络员账号或邮箱，也没有配置企业微信、钉钉群机器人，催办无法送达。请先为该部门创建联络员账号，或请安全管理员配置群机器人。',
    en: '“{department}” has no liaison account or e-mail and no group robot is configured, so a reminder cannot reach anyone. Create a liaison account for it, or ask the security admin to configure a group robot.',
  },
  'supervision.mail_not_configured': {
    status: 422,
    'zh-CN': '服务器尚未配置发信邮箱（LUOSHI_SMTP_URL），无法发送邮件。请联系系统管理员。',
    en: 'The server has no SMTP server configured (LUOSHI_SMTP_URL), so no e-mail can be sent. Contact the administrator.',
  },
  'supervision.test_address_missing': {
    status: 422,
    'zh-CN': '您的账号没有邮箱，请填写接收测试邮件的地址。',
    en: 'Your account has no e-mail address; enter one to send the test to.',
  },
  'supervision.channel_not_configured': {
    status: 422,
    'zh-CN': '尚未配置{channel}群机器人，请安全管理员在“外呼地址”页面填写并保存 Webhook 地址。',
    en: 'No {channel} group robot is configured; the security admin enters and saves its webhook address on the Outbound addresses page.',
  },

  'supervision.channels_by_security_admin': {
    status: 403,
    'zh-CN':
      '企业微信、钉钉群机器人的地址和加签密钥由安全管理员在“外呼地址”页面设置，督办设置不能修改，本次未做任何修改。',
    en: 'The WeCom and DingTalk robot addresses and signing secret are set by the security admin on the Outbound addresses page; the supervision settings cannot change them, and nothing was changed.',
  },
  'outbound.address_internal': {
    status: 422,
    'zh-CN':
      '{host} 指向内部地址 {address}，不能作为机器人地址。如确需使用，请先把它（或其网段）加入“允许访问的内部地址”。',
    en: '{host} points at the internal address {address}, which a robot may not use. If it must, add it (or its range) to the allowed internal addresses first.',
  },
  'outbound.address_unresolvable': {
    status: 422,
    'zh-CN': '无法解析 {host} 的地址，请检查 Webhook 地址是否正确。',
    en: 'The address of {host} does not resolve; check the webhook address.',
  },
  'outbound.allow_entry_invalid': {
    status: 422,
    'zh-CN': '“{entry}”不是主机名或 CIDR 网段（例如 robot-gw.campus.edu.cn 或 10.20.0.0/16）。',
    en: '“{entry}” is not a host name or a CIDR range (such as robot-gw.campus.edu.cn or 10.20.0.0/16).',
  },
  'outbound.version_conflict': {
    status: 409,
    'zh-CN':
      '外呼地址已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新设置后再改。',
    en: 'Someone else changed the outbound addresses (now version {version}); your change was not saved. Review them and try again.',
  },

  'supervision.thresholds_not_integer': {
    status: 422,
    'zh-CN':
      '预警天数必须是整数（黄色 {yellowDays}、橙色 {orangeDays}、红色 {redDays}），请填写整天数。',
    en: 'Warning days must be whole numbers (yellow {yellowDays}, orange {orangeDays}, red {redDays}); enter whole days.',
  },
  'supervision.thresholds_out_of_range': {
    status: 422,
    'zh-CN':
      '预警天数须在 1 到 {max} 天之间（黄色 {yellowDays}、橙色 {orangeDays}、红色 {redDays}）。',
    en: 'Warning days must be between 1 and {max} (yellow {yellowDays}, orange {orangeDays}, red {redDays}).',
  },
  'supervision.thresholds_not_increasing': {
    status: 422,
    'zh-CN':
      '预警天数须满足 黄色 < 橙色 < 红色（现为 黄色 {yellowDays}、橙色 {orangeDays}、红色 {redDays}），请调整后再保存。',
    en: 'Warning days must rise from yellow to orange to red (now yellow {yellowDays}, orange {orangeDays}, red {redDays}); change them and save again.',
  },
  'supervision.notice_not_found': {
    status: 404,
    'zh-CN': '找不到该督办通知单。',
    en: 'Supervision notice not found.',
  },
  'supervision.notice_answered': {
    status: 409,
    'zh-CN': '督办通知单 {number} 已回复，不能再次回复。',
    en: 'Supervision notice {number} has already been answered; it cannot be answered again.',
  },
  'supervision.notice_answer_due_past': {
    status: 422,
    'zh-CN': '回复期限（{answerDueOn}）须晚于今天（{today}）。',
    en: 'The deadline to answer ({answerDueOn}) must be after today ({today}).',
  },

  // a department's 任务分解表 uploaded back: the file as a whole
  'sheet.unsupported_type': {
    status: 415,
    'zh-CN':
      '这里只能上传任务分解表（.xlsx、.xls、.docx 或 .doc），收到的是纯文本。请在本页下载本部门的表格，填好后再上传。',
    en: "Only a task-breakdown sheet (.xlsx, .xls, .docx or .doc) can be uploaded here; this is plain text. Download your department's sheet on this page, fill it in and upload it.",
  },
  // a department's 工作进度报送表 uploaded back
  'periodSheet.unsupported_type': {
    status: 415,
    'zh-CN':
      '这里只能上传工作进度报送表（Excel 表格，.xlsx 或 .xls）。请在本页下载本周期的报送表，填好后再上传。',
    en: "Only a progress sheet (an Excel sheet, .xlsx or .xls) can be uploaded here. Download this period's sheet on this page, fill it in and upload it.",
  },
  'sheet.columns_missing': {
    status: 422,
    'zh-CN':
      '表格中没有“落实措施”和“完成时限”两列。请在本页下载本部门的表格，在这两列中填写后再上传。',
    en: "The sheet has no 落实措施 (measures) and 完成时限 (deadline) columns. Download your department's sheet on this page and fill in those two columns.",
  },
  'sheet.wrong_department': {
    status: 422,
    'zh-CN': '这是“{found}”的任务分解表，不是“{department}”的。请上传本部门的表格。',
    en: "This is the task breakdown of “{found}”, not of “{department}”. Upload this department's sheet.",
  },
  'sheet.has_problems': {
    status: 422,
    'zh-CN':
      '表格中有 {count} 处问题（第 {rows} 行），没有做任何修改。请先预览，按提示改好表格后再上传。',
    en: 'The sheet has {count} problems (rows {rows}); nothing was changed. Preview it, fix the rows shown, and upload again.',
  },
  'sheet.stale': {
    status: 409,
    'zh-CN':
      '预览之后，本部门的落实措施已被修改（可能是他人在网页上改的），没有应用您的表格。请重新上传，核对新的预览后再确认。',
    en: "This department's measures changed after your preview (perhaps someone edited them online); your sheet was not applied. Upload it again and check the new preview before confirming.",
  },
  'sheet.not_previewed': {
    status: 409,
    'zh-CN': '上传的文件与预览时的不是同一个，没有应用。请重新预览后再确认。',
    en: 'This is not the file that was previewed; nothing was applied. Preview it again before confirming.',
  },
  // … and one row of it (shown in the preview with the row number beside it)
  'sheet.unknown_item': {
    status: 422,
    'zh-CN': '方案中没有编号为 {no} 的指标。',
    en: 'The plan has no item numbered {no}.',
  },
  'sheet.not_assigned': {
    status: 422,
    'zh-CN': '指标 {no} 不由{department}负责，此行不会导入。请只在本部门负责的指标行填写。',
    en: "Item {no} is not one {department} answers for; this row will not be imported. Fill in only your department's items.",
  },
  'sheet.content_mismatch': {
    status: 422,
    'zh-CN':
      '编号 {no} 的指标内容与方案不一致（表中为“{found}”）。请不要修改“指标内容”列，或重新下载本部门的表格后再填。',
    en: 'The text of item {no} differs from the plan (the sheet says “{found}”). Do not edit the 指标内容 column, or download the sheet again.',
  },
  'sheet.item_number_missing': {
    status: 422,
    'zh-CN': '“指标内容”前没有编号（应以“8.”这样的编号开头），无法确定是哪项指标。',
    en: 'The item text has no number in front (such as “8.”), so the item cannot be told.',
  },
  'sheet.item_repeated': {
    status: 422,
    'zh-CN':
      '指标 {no} 已在第 {first} 行出现过。每项指标只填一行，多条措施在同一单元格中换行填写。',
    en: 'Item {no} already appears on row {first}. Use one row per item, with one measure per line in the cell.',
  },
  'sheet.measure_without_item': {
    status: 422,
    'zh-CN': '这一行填了落实措施或完成时限，但没有指标内容。请把措施填在对应指标所在行。',
    en: 'This row has measures or deadlines but no item. Write them on the row of their item.',
  },
  'sheet.other_department': {
    status: 422,
    'zh-CN': '这条措施标有“【{name}】”，是其他部门的。请删除它，或只上传本部门的表格。',
    en: "This measure is marked “【{name}】”, another department's. Remove it, or upload only this department's sheet.",
  },
  'sheet.measure_too_long': {
    status: 422,
    'zh-CN': '指标 {no} 的第 {index} 条落实措施超过 2000 字，请精简。',
    en: 'Measure {index} of item {no} is longer than 2000 characters; shorten it.',
  },
  'sheet.deadline_missing': {
    status: 422,
    'zh-CN': '指标 {no} 填了落实措施，但没有填写完成时限。',
    en: 'Item {no} has measures but no deadline.',
  },
  'sheet.deadline_without_measure': {
    status: 422,
    'zh-CN': '指标 {no} 填了完成时限，但没有落实措施。',
    en: 'Item {no} has a deadline but no measure.',
  },
  'sheet.deadline_count': {
    status: 422,
    'zh-CN':
      '指标 {no} 有 {measures} 条落实措施，却有 {deadlines} 条完成时限。请每条措施一行，完成时限按同样顺序每行一条（或只写一条，适用于全部措施）。',
    en: 'Item {no} has {measures} measures but {deadlines} deadlines. Write one measure per line and the deadlines in the same order, one per line (or a single deadline for all).',
  },
  'sheet.deadline_unreadable': {
    status: 422,
    'zh-CN':
      '看不懂完成时限“{text}”。请写成“2024年6月30日”“每学期（自2024年9月1日起）”“每年”或“长期坚持”这样的形式。',
    en: 'Cannot read the deadline “{text}”. Write it like 2024年6月30日, 每学期（自2024年9月1日起）, 每年 or 长期坚持.',
  },
  'sheet.deadline_no_such_date': {
    status: 422,
    'zh-CN': '完成时限“{text}”不是真实的日期，请检查年、月、日。',
    en: 'The deadline “{text}” is not a real date; check the year, month and day.',
  },
  'sheet.deadline_first_date': {
    status: 422,
    'zh-CN': '完成时限“{text}”需要写明第一次的完成日期，例如“每学期（自2024年9月1日起）”。',
    en: 'The deadline “{text}” needs its first due date, e.g. 每学期（自2024年9月1日起）.',
  },
  'sheet.deadline_unsupported': {
    status: 422,
    'zh-CN':
      '完成时限“{text}”无法登记：只能是具体日期、每月、每学期、每年或长期坚持，请改写为其中一种。',
    en: 'The deadline “{text}” cannot be kept: it must be a date, monthly, every semester, yearly or ongoing.',
  },

  // evidence (佐证材料)
  'evidence.not_found': {
    status: 404,
    'zh-CN': '找不到该佐证材料，或您无权查看。',
    en: 'Evidence not found, or you may not see it.',
  },
  'evidence.empty_file': {
    status: 400,
    'zh-CN': '文件是空的，请选择有内容的文件。',
    en: 'The file is empty; pick a file with content.',
  },
  'evidence.unsupported_type': {
    status: 415,
    'zh-CN':
      '不支持这种文件（{detected}）。佐证材料请上传 PDF、Word (.docx)、Excel (.xlsx)、PowerPoint (.pptx)、图片（JPG、PNG、GIF、WebP）或纯文本文件。',
    en: 'This kind of file is not supported ({detected}). Evidence can be PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), an image (JPG, PNG, GIF, WebP) or plain text.',
  },
  'evidence.executable': {
    status: 415,
    'zh-CN':
      '出于安全考虑，不能上传可执行程序或脚本（{detected}）。请上传 PDF、Office 文档、图片或纯文本。',
    en: 'For safety, programs and scripts cannot be uploaded ({detected}). Upload a PDF, an Office document, an image or plain text.',
  },
  'evidence.active_content': {
    status: 415,
    'zh-CN':
      '出于安全考虑，不能上传网页（HTML）或 SVG 图片，它们可能含有脚本。请另存为 PDF 或 PNG/JPG 图片后再上传。',
    en: 'For safety, web pages (HTML) and SVG images cannot be uploaded: they can carry scripts. Save it as a PDF or a PNG/JPG image and upload that.',
  },
  'evidence.type_mismatch': {
    status: 415,
    'zh-CN': '文件名是 {extension}，但内容是{detected}。请检查是否选错了文件。',
    en: 'The name says {extension} but the content is {detected}. Check that you picked the right file.',
  },
  'evidence.bad_url': {
    status: 400,
    'zh-CN': '链接必须是以 http:// 或 https:// 开头的完整网址。',
    en: 'A link must be a full address starting with http:// or https://.',
  },
  'evidence.store_unavailable': {
    status: 503,
    'zh-CN':
      '文件存储服务暂时无法访问，这次的文件没有保存（也没有取出）。请稍后再试；如果一直这样，请联系管理员检查文件存储。',
    en: 'The file store cannot be reached right now, so the file was not saved (or fetched). Try again shortly; if it keeps happening, ask the administrator to check the file store.',
  },

  // the progress ledger (工作进度督办台账)
  'ledger.not_configured': {
    status: 409,
    'zh-CN': '党委教师工作部尚未设置本方案的进度报送周期，暂时无需报送。',
    en: 'The coordinating office has not set the reporting periods of this plan yet; there is nothing to report.',
  },
  'ledger.bad_settings': {
    status: 422,
    'zh-CN': '报送周期设置有误：{detail}。',
    en: 'The reporting periods are not valid: {detail}.',
  },
  'ledger.settings_in_use': {
    status: 409,
    'zh-CN':
      '已有部门报送了 {periods} 的进度，新的设置不包含这些周期，没有保存。请调整设置，使其仍包含这些周期。',
    en: 'Departments have reported for {periods}, which the new settings leave out; nothing was saved. Keep those periods in the settings.',
  },
  'ledger.settings_version_conflict': {
    status: 409,
    'zh-CN':
      '报送周期设置已被他人修改（当前为第 {version} 版），您的修改未保存。请查看最新设置后再改。',
    en: 'Someone else changed the reporting periods (now version {version}); your change was not saved. Review the current settings and try again.',
  },
  'ledger.not_approved': {
    status: 409,
    'zh-CN': '本部门的任务分解表尚未审核通过。审核通过后，才能按落实措施报送工作进度。',
    en: "This department's task breakdown is not approved yet; progress is reported on approved measures only.",
  },
  'ledger.unknown_period': {
    status: 422,
    'zh-CN': '本方案没有“{period}”这个报送周期。',
    en: 'The plan has no reporting period “{period}”.',
  },
  'ledger.period_not_started': {
    status: 422,
    'zh-CN': '{period}尚未开始（{startsOn} 开始），现在还不能报送这一期的进度。',
    en: '{period} has not started yet (it starts on {startsOn}); it cannot be reported yet.',
  },
  'ledger.report_version_conflict': {
    status: 409,
    'zh-CN':
      '这一期的进度已被他人更新（当前为第 {version} 版），您的报送未保存。请查看最新内容后再报送。',
    en: "Someone else updated this period's report (now version {version}); yours was not saved. Review the current report and submit again.",
  },
  'ledger.bulk_repeated': {
    status: 422,
    'zh-CN':
      '措施“{measure}”在这次报送中出现了不止一次，没有保存任何内容。每条措施每期只报送一次。',
    en: 'The measure “{measure}” appears more than once in this submission; nothing was saved. Report each measure once per period.',
  },
  'ledger.occurrence_wrong_item': {
    status: 422,
    'zh-CN':
      '所选的量化要求属于指标 {obligationItem}，而措施“{measure}”属于指标 {itemNo}，没有保存任何内容。请选择本指标的量化要求。',
    en: 'The obligation chosen belongs to item {obligationItem}, but the measure “{measure}” belongs to item {itemNo}; nothing was saved. Choose an obligation of the same item.',
  },

  // a department's period sheet (工作进度报送表) uploaded back: the file as a whole
  'progress_sheet.not_a_sheet': {
    status: 422,
    'zh-CN':
      '这不是本系统导出的工作进度报送表（找不到“措施编号”表头或表格标题）。请在本页下载本部门本期的报送表，填好后再上传。',
    en: "This is not a progress sheet exported by Luoshi (no 措施编号 header or sheet title). Download your department's sheet for the period on this page, fill it in and upload it.",
  },
  'progress_sheet.header_changed': {
    status: 422,
    'zh-CN':
      '报送表的表头被修改了：第 {column} 列是“{found}”，应为“{expected}”。没有做任何修改。请不要增删或改动表头列，重新下载后填写。',
    en: 'The header of the sheet was edited: column {column} is “{found}”, it should be “{expected}”. Nothing was changed. Do not add, remove or rename columns; download the sheet again and fill it in.',
  },
  'progress_sheet.wrong_department': {
    status: 422,
    'zh-CN':
      '这是“{found}”的工作进度报送表，不是“{department}”的。没有做任何修改。请上传本部门的报送表。',
    en: "This is the progress sheet of “{found}”, not of “{department}”. Nothing was changed. Upload your department's sheet.",
  },
  'progress_sheet.wrong_period': {
    status: 422,
    'zh-CN':
      '这是 {found} 的报送表，当前选择的是 {period}。没有做任何修改。请选择对应的报送周期，或下载本期的报送表。',
    en: 'This sheet is for {found}, but {period} is chosen. Nothing was changed. Choose that period, or download the sheet of this one.',
  },
  // … and one row of it (shown in the preview with the row number beside it)
  'progress_sheet.unknown_measure': {
    status: 422,
    'zh-CN':
      '措施编号“{id}”不是本部门已审核通过的落实措施（可能是复制了其他表格的行，或改动了编号）。',
    en: 'The measure number “{id}” is not an approved measure of this department (a row copied from another sheet, or an edited number).',
  },
  'progress_sheet.measure_repeated': {
    status: 422,
    'zh-CN': '这条措施已在第 {first} 行填写过，每条措施只填一行。',
    en: 'This measure was already filled in on row {first}; fill in each measure once.',
  },
  'progress_sheet.status_unreadable': {
    status: 422,
    'zh-CN': '“{found}”不是进展状态。请从下拉列表中选择：{allowed}。',
    en: '“{found}” is not a status. Choose one from the list: {allowed}.',
  },
  'progress_sheet.status_missing': {
    status: 422,
    'zh-CN': '填写了本期进展情况，但没有选择进展状态。',
    en: 'The progress is written but no status is chosen.',
  },
  'progress_sheet.text_missing': {
    status: 422,
    'zh-CN': '选择了进展状态，但没有填写本期进展情况（无新进展可填“本期无新进展”）。',
    en: 'A status is chosen but the progress is not written (write 本期无新进展 when nothing is new).',
  },
  'progress_sheet.text_too_long': {
    status: 422,
    'zh-CN': '本期进展情况超过 {limit} 字，请精简。',
    en: 'The progress is longer than {limit} characters; shorten it.',
  },
  'progress_sheet.no_previous': {
    status: 422,
    'zh-CN': '填写了“与上期相同”，但这条措施上一期没有报送，无法沿用。请写明本期进展情况。',
    en: 'The row says 与上期相同 (same as last period), but this measure has no report for the previous period. Write the progress instead.',
  },

  // import of a plan document
  'import.empty_file': { status: 400, 'zh-CN': '文件是空的。', en: 'The file is empty.' },
  'import.too_large': {
    status: 413,
    'zh-CN': '文件太大（{size}），最多 {limit}。',
    en: 'The file is too large ({size}); the limit is {limit}.',
  },
  'import.bad_file_name': {
    status: 400,
    'zh-CN': '文件名“{name}”不合法：不能包含路径或特殊字符。',
    en: 'The file name “{name}” is not allowed: no paths or control characters.',
  },
  'import.unsupported_type': {
    status: 415,
    'zh-CN': '不支持这种文件（{detected}）。请上传 .docx、.xlsx、.doc、.xls 或 .txt 文件。',
    en: 'This kind of file is not supported ({detected}). Upload a .docx, .xlsx, .doc, .xls or .txt file.',
  },
  'import.legacy_office': {
    status: 415,
    'zh-CN':
      '这是旧版 Office 文件（.doc/.xls），请在 Word/Excel/WPS 中另存为 .docx 或 .xlsx 后再上传。',
    en: 'This is an old Office file (.doc/.xls); save it as .docx or .xlsx and upload again.',
  },
  'import.type_mismatch': {
    status: 415,
    'zh-CN': '文件名是 {extension}，但内容是 {detected}。请检查是否选错了文件。',
    en: 'The name says {extension} but the content is {detected}. Check that you picked the right file.',
  },
  'import.corrupt_file': {
    status: 400,
    'zh-CN': '文件已损坏或不完整，无法读取（{detail}）。',
    en: 'The file is damaged or incomplete and cannot be read ({detail}).',
  },
  'import.zip_bomb': {
    status: 413,
    'zh-CN': '文件解压后过大（至少 {size}，上限 {limit}），已拒绝，未做任何更改。',
    en: 'The file inflates to too much (at least {size}; the limit is {limit}); refused, nothing was changed.',
  },
  'import.not_text': {
    status: 415,
    'zh-CN': '文件不是可读的文本（无法识别编码或含有二进制内容）。',
    en: 'The file is not readable text (unknown encoding or binary content).',
  },
  'import.bad_column_mapping': {
    status: 400,
    'zh-CN':
      '列的含义“{found}”无法识别或重复。可用：number, level1–level4, content, focus, departments, lead, support, leader, measures, deadline，或 - 表示保留原样。',
    en: 'The column meaning “{found}” is unknown or given twice. Use number, level1–level4, content, focus, departments, lead, support, leader, measures, deadline, or - to keep a column as it is.',
  },
  'import.header_not_found': {
    status: 422,
    'zh-CN':
      '没有找到任务表的表头：需要一列写任务（如“指标内容”“重点任务”“具体任务”），一列写责任单位（如“责任部门”“牵头单位”）。可以在导入页面逐列指定各列的含义。',
    en: 'No task table header found: one column must hold the tasks (such as 指标内容, 重点任务, 具体任务) and one the responsible units (such as 责任部门, 牵头单位). The columns can be named one by one on the import page.',
  },
  'import.no_items': {
    status: 422,
    'zh-CN': '表头下没有任何指标内容。',
    en: 'The table has a header but no items under it.',
  },
  'import.item_number_missing': {
    status: 422,
    'zh-CN': '第 {row} 行：指标内容没有编号。',
    en: 'Row {row}: the item has no number.',
  },
  'import.item_number_gap': {
    status: 422,
    'zh-CN': '第 {row} 行：指标编号从 {previous} 跳到了 {found}（应为 {expected}）。',
    en: 'Row {row}: item numbers jump from {previous} to {found} (expected {expected}).',
  },
  'import.item_number_repeated': {
    status: 422,
    'zh-CN': '第 {row} 行：指标编号 {found} 重复。',
    en: 'Row {row}: item number {found} appears twice.',
  },
  'import.level_missing': {
    status: 422,
    'zh-CN': '第 {row} 行：指标 {no} 前面没有{level}。',
    en: 'Row {row}: item {no} has no {level} above it.',
  },
  'import.departments_missing': {
    status: 422,
    'zh-CN': '第 {row} 行：指标 {no} 没有责任部门。',
    en: 'Row {row}: item {no} has no responsible department.',
  },
  'import.too_many_rows': {
    status: 413,
    'zh-CN': '表格行数过多（{rows} 行，上限 {limit} 行）。',
    en: 'The table has too many rows ({rows}; the limit is {limit}).',
  },
  'import.encrypted_file': {
    status: 415,
    'zh-CN': '文件设有打开密码，无法读取。请在 Word/Excel/WPS 中取消密码后再上传。',
    en: 'The file is protected by a password and cannot be read. Remove the password in Word, Excel or WPS and upload again.',
  },
  'import.office_too_old': {
    status: 415,
    'zh-CN':
      '这是 Word 6.0/95 或更早版本的文件，无法读取。请在 Word/WPS 中另存为 .docx 或 .doc 后再上传。',
    en: 'This is a Word 6.0/95 (or older) file, which cannot be read. Save it as .docx or .doc and upload again.',
  },
  'import.open_document': {
    status: 415,
    'zh-CN':
      '这是 OpenDocument 文件（.odt/.ods）。请在 WPS 或 LibreOffice 中另存为 .docx、.xlsx、.doc 或 .xls 后再上传。',
    en: 'This is an OpenDocument file (.odt/.ods). Save it as .docx, .xlsx, .doc or .xls in WPS or LibreOffice and upload again.',
  },
  // backup and restore (luoshi backup / luoshi restore)
  'backup.file_exists': {
    status: 409,
    'zh-CN': '备份文件“{file}”已存在。请换一个文件名，旧的备份不会被覆盖。',
    en: 'The backup file “{file}” already exists; choose another name (an old backup is never overwritten).',
  },
  'backup.evidence_missing': {
    status: 409,
    'zh-CN':
      '佐证材料文件缺失或已损坏（单位 {organization}，{sha256}），备份未完成。请检查佐证材料存储。',
    en: 'An evidence file is missing or damaged (organization {organization}, {sha256}); the backup was not made. Check the evidence store.',
  },
  'backup.archive_missing': {
    status: 404,
    'zh-CN': '找不到备份文件“{file}”。未做任何更改。',
    en: 'The backup file “{file}” was not found. Nothing was changed.',
  },
  'backup.archive_truncated': {
    status: 400,
    'zh-CN': '备份文件不完整（{detail}），可能在复制时被截断。未做任何更改。',
    en: 'The backup file is incomplete ({detail}); it may have been cut short while copied. Nothing was changed.',
  },
  'backup.archive_corrupt': {
    status: 400,
    'zh-CN': '备份文件已损坏，校验未通过（{detail}）。未做任何更改。',
    en: 'The backup file is damaged; its checksums do not match ({detail}). Nothing was changed.',
  },
  'backup.unsupported_format': {
    status: 400,
    'zh-CN': '无法识别这个备份文件的格式（{format}）。未做任何更改。',
    en: "This backup file's format is not recognised ({format}). Nothing was changed.",
  },
  'backup.newer_schema': {
    status: 409,
    'zh-CN':
      '这个备份来自更新版本的落实（数据库结构 {migration} 本系统没有）。请先升级落实再恢复。未做任何更改。',
    en: 'This backup comes from a newer Luoshi (database migration {migration} is unknown here); upgrade Luoshi before restoring. Nothing was changed.',
  },
  'backup.database_not_empty': {
    status: 409,
    'zh-CN':
      '目标数据库已有数据（{tables}）。恢复会替换其中全部数据：确认无误后加 --force 再运行。未做任何更改。',
    en: 'The target database already holds data ({tables}). A restore replaces all of it: run again with --force if that is what you want. Nothing was changed.',
  },
  'backup.key_required': {
    status: 400,
    'zh-CN':
      '这个备份已加密。请用 --passphrase-file 或 --key-file（或环境变量 LUOSHI_BACKUP_PASSPHRASE_FILE / LUOSHI_BACKUP_KEY_FILE）指定备份时用的口令文件或密钥文件。未做任何更改。',
    en: 'This backup is encrypted: give the passphrase file or key file it was made with (--passphrase-file or --key-file, or LUOSHI_BACKUP_PASSPHRASE_FILE / LUOSHI_BACKUP_KEY_FILE). Nothing was changed.',
  },
  'backup.wrong_key': {
    status: 400,
    'zh-CN':
      '口令或密钥打不开这个备份（{detail}）。请确认使用的是备份时的口令文件或密钥文件。未做任何更改。',
    en: 'The passphrase or key does not open this backup ({detail}); use the passphrase file or key file it was made with. Nothing was changed.',
  },
  'backup.not_encrypted': {
    status: 400,
    'zh-CN':
      '这个备份没有加密，但指定了口令或密钥。如确认要恢复这个未加密的备份，请去掉 --passphrase-file / --key-file（及对应的环境变量）再运行。未做任何更改。',
    en: 'This backup is not encrypted, yet a passphrase or key was given. If this unencrypted backup is the one to restore, run again without --passphrase-file / --key-file (and their environment variables). Nothing was changed.',
  },
  'backup.secret_conflict': {
    status: 400,
    'zh-CN': '口令文件和密钥文件只能指定一个。',
    en: 'Give either a passphrase file or a key file, not both.',
  },
  'backup.secret_file_unreadable': {
    status: 400,
    'zh-CN': '无法读取口令或密钥文件“{file}”。未做任何更改。',
    en: 'The passphrase or key file “{file}” cannot be read. Nothing was changed.',
  },
  'backup.passphrase_too_short': {
    status: 400,
    'zh-CN':
      '口令文件“{file}”中的口令太短：备份口令至少 {min} 个字符（文件末尾的换行不计）。未做任何更改。',
    en: 'The passphrase in “{file}” is too short: a backup passphrase has at least {min} characters (a final line break does not count). Nothing was changed.',
  },
  'backup.key_file_invalid': {
    status: 400,
    'zh-CN':
      '密钥文件“{file}”不是有效的密钥：应为 32 字节，或 64 位十六进制数字（如 openssl rand -hex 32 的输出）。未做任何更改。',
    en: 'The key file “{file}” is not a key: it must hold 32 bytes, or 64 hexadecimal digits (as openssl rand -hex 32 writes). Nothing was changed.',
  },
  // teachers (教师名册), anonymous surveys, activities and coverage, third-party satisfaction
  'teachers.not_found': {
    status: 404,
    'zh-CN': '名册中没有这位教师。',
    en: 'There is no such teacher in the roster.',
  },
  'teachers.sheet_no_header': {
    status: 400,
    'zh-CN':
      '没有找到表头：名册需要一行包含“工号”和“姓名”（也可写作“职工号”“教师姓名”等）。未做任何更改。',
    en: 'No header found: the roster needs a row naming 工号 (work number) and 姓名 (name). Nothing was changed.',
  },
  'teachers.sheet_has_errors': {
    status: 400,
    'zh-CN': '名册有 {count} 行错误，请改正后重新上传。未做任何更改。',
    en: 'The roster has {count} rows with errors; fix them and upload again. Nothing was changed.',
  },
  'teachers.preview_stale': {
    status: 409,
    'zh-CN': '预览之后名册或文件已有变化，请重新预览再导入。未做任何更改。',
    en: 'The roster or the file changed since the preview; preview again before importing. Nothing was changed.',
  },
  'teachers.row_no_work_no': {
    status: 400,
    'zh-CN': '第 {row} 行没有工号。',
    en: 'Row {row} has no work number.',
  },
  'teachers.row_no_name': {
    status: 400,
    'zh-CN': '第 {row} 行（工号 {workNo}）没有姓名。',
    en: 'Row {row} (work number {workNo}) has no name.',
  },
  'teachers.row_duplicate_work_no': {
    status: 400,
    'zh-CN': '第 {row} 行的工号 {workNo} 与第 {earlier} 行重复。',
    en: 'Row {row} repeats work number {workNo} of row {earlier}.',
  },
  'teachers.row_bad_birth_date': {
    status: 400,
    'zh-CN': '第 {row} 行的出生日期“{value}”无法识别，已留空。',
    en: 'Row {row}: the birth date "{value}" cannot be read; it is left empty.',
  },
  'teachers.row_unknown_department': {
    status: 400,
    'zh-CN': '第 {row} 行的部门“{department}”在部门管理中不存在，先按原名保存。',
    en: 'Row {row}: the department "{department}" is not in 部门管理; its name is kept as written.',
  },
  'survey.not_found': { status: 404, 'zh-CN': '没有这份问卷。', en: 'There is no such survey.' },
  'survey.invalid_questions': {
    status: 400,
    'zh-CN': '问卷内容有误：{detail}',
    en: 'The questionnaire is not valid: {detail}',
  },
  'survey.not_draft': {
    status: 409,
    'zh-CN': '问卷已发放，题目不能再修改。',
    en: 'The survey has been sent; its questions can no longer change.',
  },
  'survey.not_open': {
    status: 409,
    'zh-CN': '问卷未在发放中。',
    en: 'The survey is not open.',
  },
  'survey.version_conflict': {
    status: 409,
    'zh-CN': '问卷已被他人修改，请刷新后再改。',
    en: 'Someone else changed the survey; reload and try again.',
  },
  'survey.empty_population': {
    status: 400,
    'zh-CN': '所选范围内没有在册教师，无法发放。',
    en: 'No active teacher is in the chosen population; nothing was sent.',
  },
  'survey.link_invalid': {
    status: 404,
    'zh-CN': '链接无效、已作答或问卷已结束。',
    en: 'This link is not valid, has been used, or the survey has ended.',
  },
  'survey.answer_invalid': {
    status: 400,
    'zh-CN': '第 {question} 题：{detail}',
    en: 'Question {question}: {detail}',
  },
  'survey.below_threshold': {
    status: 403,
    'zh-CN': '作答人数少于 {threshold} 人，为保护匿名不显示结果。',
    en: 'Fewer than {threshold} answers: results are not shown, to keep them anonymous.',
  },
  'activity.kind_not_found': {
    status: 404,
    'zh-CN': '没有这个活动类型。',
    en: 'There is no such activity kind.',
  },
  'activity.not_found': {
    status: 404,
    'zh-CN': '没有这条活动记录。',
    en: 'There is no such activity.',
  },
  'activity.rule_not_found': {
    status: 404,
    'zh-CN': '没有这条覆盖要求。',
    en: 'There is no such coverage rule.',
  },
  'activity.unknown_participants': {
    status: 400,
    'zh-CN': '参加人员中有 {count} 人不在名册中。',
    en: '{count} participants are not in the roster.',
  },
  'activity.sheet_no_header': {
    status: 400,
    'zh-CN': '签到表需要一行包含“工号”或“姓名”的表头。',
    en: 'The sign-in sheet needs a header row naming 工号 or 姓名.',
  },
  'satisfaction.not_found': {
    status: 404,
    'zh-CN': '没有这条第三方测评结果。',
    en: 'There is no such third-party result.',
  },
  'satisfaction.sheet_no_header': {
    status: 400,
    'zh-CN': '测评结果表需要一行表头，写明“年度”“指标”“满意度”和“测评机构”。',
    en: 'The results sheet needs a header row naming the year (年度), the item (指标), the value (满意度) and the source (测评机构).',
  },
  'satisfaction.sheet_invalid': {
    status: 400,
    'zh-CN':
      '测评结果表第 {rows} 行有误（年度、指标、满意度 0–100、样本量、测评机构，或同一年度、指标、机构重复），未导入任何一行，请修改后重新导入。',
    en: 'Rows {rows} of the results sheet are wrong (year, item, a value of 0-100, sample, source, or the same year, item and source twice); nothing was imported. Correct them and import again.',
  },
  'satisfaction.sheet_empty': {
    status: 400,
    'zh-CN': '测评结果表没有数据行。',
    en: 'The results sheet has no rows of results.',
  },
  // 师德师风监督举报 (conduct reports)
  'conductReport.unknown_receipt': {
    status: 404,
    'zh-CN': '找不到该回执码对应的举报，请核对后再试。',
    en: 'No report has this receipt code; check it and try again.',
  },
  'conductReport.unknown_organization': {
    status: 404,
    'zh-CN': '找不到该学校的举报渠道。',
    en: 'This institution has no reporting channel here.',
  },
  'conductReport.not_found': { status: 404, 'zh-CN': '找不到该举报。', en: 'Report not found.' },
  'conductReport.transition_refused': {
    status: 409,
    'zh-CN': '该举报当前为“{state}”，不能转为“{to}”。',
    en: 'The case is {state}; it cannot move to {to}.',
  },
  'conductReport.outcome_required': {
    status: 400,
    'zh-CN': '认定时须选择认定结果（属实、部分属实或不属实）。',
    en: 'A determination needs its outcome (founded, partly founded or unfounded).',
  },
  'conductReport.outcome_not_allowed': {
    status: 400,
    'zh-CN': '只有在认定时才能填写认定结果。',
    en: 'An outcome is given only when the case is determined.',
  },
  'conductReport.outcome_mismatch': {
    status: 409,
    'zh-CN': '认定结果为“{outcome}”的举报不能转为“{to}”（属实的通报，不属实的澄清）。',
    en: 'A case determined {outcome} cannot move to {to} (founded cases are notified, unfounded ones clarified).',
  },
  'conductReport.version_conflict': {
    status: 409,
    'zh-CN': '该举报已被他人处理（当前为第 {version} 版），您的操作未生效。',
    en: 'Someone else acted on this case (now version {version}); your change was not made.',
  },
  'conductReport.no_contact': {
    status: 409,
    'zh-CN': '举报人没有留下联系方式。',
    en: 'The reporter left no contact.',
  },
  'conductReport.contact_request_pending': {
    status: 409,
    'zh-CN': '您已申请查看联系方式，请等待另一名受理人同意。',
    en: 'You have already asked to see the contact; wait for another handler to approve.',
  },
  'conductReport.teacher_not_found': {
    status: 404,
    'zh-CN': '本单位教师名册中找不到该教师。',
    en: "No such teacher in your organization's roster.",
  },
  'conductReport.contact_request_not_found': {
    status: 404,
    'zh-CN': '找不到待同意的查看申请（可能已被同意）。',
    en: 'No pending request to see the contact (it may have been approved already).',
  },
  'conductReport.contact_self_approval': {
    status: 403,
    'zh-CN': '不能同意自己的申请：须由另一名受理人同意。',
    en: 'You cannot approve your own request: another handler must approve it.',
  },
  'conductReport.closed': {
    status: 409,
    'zh-CN': '该举报已结案，不能再补充或答复。',
    en: 'The case is closed; nothing more can be added or answered.',
  },
  'conductReport.bad_attachment': {
    status: 400,
    'zh-CN': '附件“{fileName}”无法读取或超过 2 MB。',
    en: 'The attachment {fileName} cannot be read or is larger than 2 MB.',
  },
} as const satisfies Record<string, { status: number; 'zh-CN': string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];
/** A param the service words in each language itself (a sentence built from parts). */
export type WordedParam = Record<Locale, string>;
export type ErrorParams = Record<string, string | number>;
/** An error's params: plain values, or worded in each language by the service. */
export type AppErrorParams = Record<string, string | number | WordedParam>;

/** A param's value in one language: a worded param's own words, else the value as it is. */
export function paramIn(value: string | number | WordedParam, locale: Locale): string {
  return typeof value === 'object' ? value[locale] : String(value);
}

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
  readonly params: AppErrorParams;
  readonly issues: FieldIssue[];
  /** The record as it now is, for a conflict: the client shows it instead of guessing. */
  readonly current: unknown;

  constructor(
    code: ErrorCode,
    params: AppErrorParams = {},
    issues: FieldIssue[] = [],
    current?: unknown,
  ) {
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

type Words = Record<string, Record<Locale, string>>;
const submissionStatusWords: Words = {
  draft: { 'zh-CN': '保存为草稿', en: 'a draft' },
  submitted: { 'zh-CN': '报送', en: 'submitted' },
  returned: { 'zh-CN': '退回', en: 'returned' },
  approved: { 'zh-CN': '审核通过', en: 'approved' },
};
/**
 * Params that name a state or a kind by its code (`status: 'submitted'`), worded in the reader's
 * language when the message is written, so an English message does not carry a Chinese word.
 */
const paramWords: Partial<Record<ErrorCode, Record<string, Words>>> = {
  'breakdown.locked': { status: submissionStatusWords },
  'extension.decided': {
    status: {
      pending: { 'zh-CN': '待审批', en: 'pending' },
      approved: { 'zh-CN': '已同意', en: 'approved' },
      refused: { 'zh-CN': '未同意', en: 'refused' },
      withdrawn: { 'zh-CN': '已撤回', en: 'withdrawn' },
    },
  },
  'measure.deadline_date_required': {
    kind: {
      date: { 'zh-CN': '具体日期', en: 'A date' },
      monthly: { 'zh-CN': '每月', en: 'Monthly' },
      semester: { 'zh-CN': '每学期', en: 'Every semester' },
      yearly: { 'zh-CN': '每年', en: 'Yearly' },
      ongoing: { 'zh-CN': '长期坚持', en: 'Ongoing' },
    },
  },
};

export function formatErrorMessage(
  code: ErrorCode,
  params: AppErrorParams,
  locale: Locale,
): string {
  const template = errorCatalogue[code][locale];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole;
    const value = paramIn(params[name]!, locale);
    const worded = paramWords[code]?.[name]?.[value]?.[locale] ?? value;
    // A list joined by the enumeration comma (第 3、5 项) reads "3, 5" in English.
    return locale === 'en' ? worded.replaceAll('、', ', ') : worded;
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
