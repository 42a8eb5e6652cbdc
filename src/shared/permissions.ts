import { securityRoles } from './powers';
import { roles, type Role } from './roles';

/**
 * Who may call each API operation: the one table the server enforces and the tests check
 * every route against. Keys are the routes' operationIds.
 * - 'public': anyone, signed in or not;
 * - 'signed-in': any signed-in user, even one who must still change a first password;
 * - a list of roles: signed-in users with one of them (and a usable password).
 * A liaison may call an operation listed for 'liaison' but the service limits what they see
 * and change to their own department.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

const everyRole: readonly Role[] = roles;
/**
 * Everyone but the security admin and the auditor, who read no business data (三权分立,
 * `shared/powers.ts`): what was open to every role is open to these.
 */
const workingRoles: readonly Role[] = roles.filter((role) => !securityRoles.includes(role));
const organizationStaff: readonly Role[] = ['admin', 'coordinator'];
/** Who may change a department's task breakdown: its own liaison, or the coordinating office. */
const departmentEditors: readonly Role[] = ['admin', 'coordinator', 'liaison'];
const accountManagers: readonly Role[] = ['admin', 'security_admin'];

export const permissions = {
  'system.health': 'public',
  'auth.signIn': 'public',
  'auth.session': 'signed-in',
  'auth.signOut': 'signed-in',
  'auth.changePassword': 'signed-in',
  'auth.signOutEverywhere': 'signed-in',
  'auth.totpStart': everyRole,
  'auth.totpConfirm': everyRole,
  'auth.totpDisable': everyRole,
  // campus single sign-on: the sign-in page's buttons and the protocol steps are public; the security admin configures it
  'sso.providers': 'public',
  'sso.start': 'public',
  'sso.casCallback': 'public',
  'sso.oidcCallback': 'public',
  'sso.secondFactor': 'public',
  'sso.config': ['security_admin', 'admin'],
  'sso.createProvider': ['security_admin'],
  'sso.updateProvider': ['security_admin'],
  'sso.linkIdentity': ['security_admin'],
  'organizations.current': workingRoles,
  // the security admin names a liaison's department when managing accounts; department names are not business records
  'departments.list': [...workingRoles, 'security_admin'],
  'departments.create': organizationStaff,
  'departments.update': organizationStaff,
  'departments.createMany': organizationStaff,
  'departments.merge': organizationStaff,
  'departments.delete': organizationStaff,
  'departmentGroups.list': workingRoles,
  'standards.list': workingRoles,
  'standards.get': workingRoles,
  'plans.list': workingRoles,
  'plans.get': workingRoles,
  'plans.tree': workingRoles,
  'imports.importPlan': organizationStaff,
  'imports.inspectPlan': organizationStaff,
  'assignments.set': organizationStaff,
  'reports.request': organizationStaff,
  'reports.list': ['admin', 'coordinator', 'leader', 'reviewer'],
  'reports.get': ['admin', 'coordinator', 'leader', 'reviewer'],
  'reports.docx': ['admin', 'coordinator', 'leader', 'reviewer'],
  'reports.publish': organizationStaff,
  'reports.review': ['reviewer'],
  'reports.performanceSheet': ['admin', 'coordinator', 'leader'],
  'assignments.resolveGroup': organizationStaff,
  'breakdowns.board': ['admin', 'coordinator', 'leader'],
  'breakdowns.dashboard': ['admin', 'coordinator', 'leader'],
  'breakdowns.get': ['admin', 'coordinator', 'leader', 'liaison'],
  'breakdowns.export': ['admin', 'coordinator', 'leader', 'liaison'],
  'breakdowns.setLiaison': departmentEditors,
  'breakdowns.submit': departmentEditors,
  'breakdowns.review': organizationStaff,
  'measures.create': departmentEditors,
  'measures.update': departmentEditors,
  'measures.delete': departmentEditors,
  'breakdowns.uploadSheet': departmentEditors,
  'obligations.list': ['admin', 'coordinator', 'leader'],
  'obligations.propose': organizationStaff,
  'obligations.create': organizationStaff,
  'obligations.update': organizationStaff,
  'obligations.compliance': ['admin', 'coordinator', 'leader', 'liaison'],
  'obligations.ofDepartment': ['admin', 'coordinator', 'leader', 'liaison'],
  'occurrences.list': ['admin', 'coordinator', 'leader', 'liaison'],
  'occurrences.record': departmentEditors,
  'occurrences.delete': departmentEditors,
  // accounts: the system admin manages business users, the security admin every account and
  // every role (the services check which account and which role: shared/powers.ts)
  'users.list': [...organizationStaff, 'security_admin'],
  'users.create': accountManagers,
  'users.update': accountManagers,
  'users.resetPassword': accountManagers,
  'users.signOutEverywhere': accountManagers,
  'users.unlock': ['security_admin'],
  'users.resetTotp': ['security_admin'],
  'users.template': ['admin'],
  'users.import': ['admin'],
  // the audit log is the auditor's alone
  'audit.list': ['auditor'],
  'audit.export': ['auditor'],
  'jobs.get': organizationStaff,
  'supervision.overdue': organizationStaff,
  'supervision.log': organizationStaff,
  'supervision.settings': organizationStaff,
  'supervision.updateSettings': organizationStaff,
  'supervision.saveContact': organizationStaff,
  'supervision.testSend': organizationStaff,
  'supervision.remind': organizationStaff,
  'notifications.list': workingRoles,
  'notifications.read': workingRoles,
  'notifications.readAll': workingRoles,
  // conclude phase: summaries, self-assessment, moderation; findings and rectification; next year's plan
  'ratingScale.get': ['admin', 'coordinator', 'leader', 'liaison'],
  'ratingScale.set': organizationStaff,
  'summaries.list': ['admin', 'coordinator', 'leader'],
  'conclusion.get': ['admin', 'coordinator', 'leader', 'liaison'],
  'summaries.save': departmentEditors,
  'summaries.submit': departmentEditors,
  'summaries.return': organizationStaff,
  'selfAssessments.rate': departmentEditors,
  'moderation.get': ['admin', 'coordinator', 'leader'],
  'moderation.set': organizationStaff,
  'findings.list': ['admin', 'coordinator', 'leader', 'liaison'],
  'findings.get': ['admin', 'coordinator', 'leader', 'liaison'],
  'findings.create': organizationStaff,
  'findings.update': organizationStaff,
  'findings.recordAction': ['liaison'],
  'findings.requestVerification': ['liaison'],
  'findings.verify': organizationStaff,
  'findings.reopen': organizationStaff,
  'plans.nextYearPreview': organizationStaff,
  'plans.startNextYear': organizationStaff,
  'evidence.upload': departmentEditors,
  'evidence.createLink': departmentEditors,
  'evidence.list': ['admin', 'coordinator', 'leader', 'liaison'],
  'evidence.content': ['admin', 'coordinator', 'leader', 'liaison'],
  // 师德师风监督举报 (item 26): anyone reports and follows with a receipt; only the case handler
  // (举报受理人) reads and handles cases (not the admin, leaders or liaisons); figures are counts only
  'conductReports.submit': 'public',
  'conductReports.follow': 'public',
  'conductReports.addInformation': 'public',
  'conductReports.list': ['case_handler'],
  'conductReports.get': ['case_handler'],
  'conductReports.transition': ['case_handler'],
  'conductReports.answer': ['case_handler'],
  'conductReports.file': ['case_handler'],
  'conductReports.figures': ['admin', 'coordinator', 'leader', 'case_handler'],
  'ledger.getSettings': ['admin', 'coordinator', 'leader', 'liaison'],
  'ledger.setSettings': organizationStaff,
  'ledger.department': ['admin', 'coordinator', 'leader', 'liaison'],
  'ledger.report': departmentEditors,
  'ledger.overview': ['admin', 'coordinator', 'leader'],
  'ledger.export': ['admin', 'coordinator', 'leader'],
  'ledger.reportPeriod': departmentEditors,
  'ledger.exportPeriodSheet': departmentEditors,
  'ledger.uploadPeriodSheet': departmentEditors,
  // province oversight: an overseer reads the institutions its supervising organization oversees, never writes there
  'oversight.overview': ['overseer'],
  'oversight.institution': ['overseer'],
  'oversight.dashboard': ['overseer'],
  'oversight.tree': ['overseer'],
  // 教师名册: kept by the office (or the admin for 人事处); departments read their own teachers, masked
  'teachers.list': ['admin', 'coordinator', 'leader', 'liaison'],
  'teachers.get': ['admin', 'coordinator', 'leader', 'liaison'],
  'teachers.import': organizationStaff,
  'roster.settings': ['admin', 'coordinator', 'leader', 'liaison'],
  'roster.updateSettings': organizationStaff,
  // anonymous surveys: built and sent by the office; answered by link without signing in
  'surveys.list': ['admin', 'coordinator', 'leader'],
  'surveys.templates': organizationStaff,
  'surveys.create': organizationStaff,
  'surveys.get': ['admin', 'coordinator', 'leader'],
  'surveys.update': organizationStaff,
  'surveys.open': organizationStaff,
  'surveys.remind': organizationStaff,
  'surveys.close': organizationStaff,
  'surveys.progress': ['admin', 'coordinator', 'leader'],
  'surveys.results': ['admin', 'coordinator', 'leader'],
  'surveys.exportResults': ['admin', 'coordinator', 'leader'],
  'surveys.reportDocx': organizationStaff,
  'surveys.links': organizationStaff,
  'surveys.poster': organizationStaff,
  'surveys.form': 'public',
  'surveys.answer': 'public',
  // activities with attendance (国情研修, 谈心谈话, 理论学习 …) and coverage rules
  'activities.kinds': ['admin', 'coordinator', 'leader', 'liaison'],
  'activities.createKind': organizationStaff,
  'activities.list': ['admin', 'coordinator', 'leader', 'liaison'],
  'activities.record': departmentEditors,
  'activities.delete': departmentEditors,
  'activities.readSignInSheet': departmentEditors,
  'coverage.rules': ['admin', 'coordinator', 'leader', 'liaison'],
  'coverage.createRule': organizationStaff,
  'coverage.get': ['admin', 'coordinator', 'leader', 'liaison'],
  // third-party satisfaction results (items 27, 28)
  'satisfaction.list': ['admin', 'coordinator', 'leader'],
  'satisfaction.record': organizationStaff,
  'satisfaction.delete': organizationStaff,
  // handover messages (交接提醒): everyone's own; the office's channels
  'messages.list': workingRoles,
  'messages.preferences': workingRoles,
  'messages.updatePreferences': workingRoles,
  'messages.settings': organizationStaff,
  'messages.updateSettings': organizationStaff,
  'todo.mine': workingRoles,
  // 方案维护: the office edits the plan; every change is a revision
  'plans.updatePhase': organizationStaff,
  'plans.updateDeliverable': organizationStaff,
  'plans.createItem': organizationStaff,
  'plans.updateItem': organizationStaff,
  'plans.itemDependents': organizationStaff,
  'plans.retireItem': organizationStaff,
  'plans.revisions': [...organizationStaff, 'leader'],
  // 延期申请: a department asks (its liaison, or the office for it), the office decides
  'extensions.list': [...departmentEditors, 'leader'],
  'extensions.targets': departmentEditors,
  'extensions.create': departmentEditors,
  'extensions.decide': organizationStaff,
  // the institution's settings (its time zone)
  'organizations.update': ['admin'],
  'findings.export': ['admin', 'coordinator', 'leader', 'liaison'],
} as const satisfies Record<string, Access>;

export type OperationId = keyof typeof permissions;

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && Object.hasOwn(permissions, value);
}

export function roleMayCall(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return access.includes(role);
}
