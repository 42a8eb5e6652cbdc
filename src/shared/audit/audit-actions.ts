import type { OperationId } from '../permissions';

/**
 * The audit log as people read it: each action's name in Chinese (the auditor's page and the
 * .xlsx export), with the raw action as the fallback for any action not named here.
 */
export const auditActionLabels: Readonly<Record<string, string>> = {
  'auth.sign_in': '登录',
  'auth.sign_in_failed': '登录失败',
  'auth.sign_in_rate_limited': '登录过于频繁被拒绝',
  'auth.account_locked': '账号被锁定',
  'auth.sign_out': '退出登录',
  'auth.sign_out_everywhere': '在所有设备退出登录',
  'auth.change_password': '修改密码',
  'auth.change_password_failed': '修改密码失败',
  'auth.password_expired': '密码过期',
  'auth.totp_enrolment_started': '开始绑定身份验证器',
  'auth.totp_enable': '开启两步验证',
  'auth.totp_disable': '关闭两步验证',
  'auth.totp_confirm_failed': '两步验证动态码错误',
  'user.create': '创建用户',
  'user.update': '修改用户',
  'user.role_change': '变更用户角色（权限）',
  'user.reset_password': '重置用户密码',
  'user.reset_totp': '重置用户身份验证器',
  'user.unlock': '解锁账号',
  'user.sign_out_everywhere': '强制用户退出登录',
  export: '导出/下载文件',
  write: '修改（未单独记录的写操作）',
  'audit.purge': '清理超过保存期限的审计日志',
  'export.ledger': '导出工作进度督办台账',
  'export.task_breakdown': '导出任务分解表',
  'export.quality_report': '下载质量报告',
  'export.performance_sheet': '导出绩效考核表',
  'export.period_sheet': '导出工作进度报送表',
  'ledger.upload_period_sheet': '上传工作进度报送表',
  'organization.create': '创建单位',
  'organization.create_supervisor': '创建上级督导单位',
  'organization.link_supervisor': '关联上级督导单位',
  'department.create': '新增部门',
  'department.update': '修改部门',
  'department.delete': '删除部门',
  'department.merge': '合并部门',
  'department_group.create': '新增部门分组',
  'standard.create': '新建质量标准版本',
  'plan.import': '导入工作方案',
  'plan.start_next_year': '开启下一年度',
  'assignment.create': '指定责任部门',
  'assignment.update': '调整责任部门',
  'assignment.delete': '取消责任部门',
  'assignment.resolve_group': '落实部门分组到具体部门',
  'submission.set_liaison': '设置部门联络员',
  'submission.submit': '报送任务分解',
  'submission.approve': '审核通过任务分解',
  'submission.return': '退回任务分解',
  'submission.upload_sheet': '上传任务分解表',
  'measure.create': '新增落实措施',
  'measure.update': '修改落实措施',
  'measure.delete': '删除落实措施',
  'obligation.propose': '提取量化要求',
  'obligation.create': '新增量化要求',
  'obligation.update': '修改量化要求',
  'occurrence.record': '登记履职记录',
  'occurrence.delete': '删除履职记录',
  'evidence.upload': '上传佐证材料',
  'evidence.link': '添加佐证链接',
  'ledger.report': '报送工作进度',
  'ledger.set_settings': '设置报送周期',
  'summary.create': '撰写总结报告',
  'summary.update': '修改总结报告',
  'summary.submit': '提交总结报告',
  'summary.return': '退回总结报告',
  'self_assessment.create': '自评打分',
  'self_assessment.update': '修改自评',
  'institution_rating.create': '学校评定',
  'institution_rating.update': '修改学校评定',
  'rating_scale.set': '设置评价等级',
  'finding.create': '登记查摆问题',
  'finding.update': '修改查摆问题',
  'finding.carry_over': '纳入下年度重点工作',
  'report.request': '生成质量报告',
  'report.publish': '发布质量报告评价',
  'report.review': '评价质量报告',
  'supervision.remind': '催办',
  'supervision.contact.save': '保存部门负责人联系方式',
  'supervision.settings.update': '修改督办设置',
};

/** The action's name for people: its Chinese label, or the action itself when it has none. */
export function describeAuditAction(action: string): string {
  return auditActionLabels[action] ?? action;
}

/**
 * The operations that answer a file (a download or an export): each successful answer is
 * recorded in the audit log as an `export` entry, once, by the server's response hook — not route
 * by route. A response that carries a file as an attachment is recorded even when its operation
 * is missing here, and the permission test fails for it.
 */
export const exportOperations: readonly OperationId[] = [
  'users.template',
  'breakdowns.export',
  'evidence.content',
  'ledger.export',
  'ledger.exportPeriodSheet',
  'reports.docx',
  'reports.performanceSheet',
  'audit.export',
];
