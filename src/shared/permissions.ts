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
const organizationStaff: readonly Role[] = ['admin', 'coordinator'];
/** Who may change a department's task breakdown: its own liaison, or the coordinating office. */
const departmentEditors: readonly Role[] = ['admin', 'coordinator', 'liaison'];

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
  'organizations.current': everyRole,
  'departments.list': everyRole,
  'departments.create': organizationStaff,
  'departments.update': organizationStaff,
  'departments.createMany': organizationStaff,
  'departments.merge': organizationStaff,
  'departments.delete': organizationStaff,
  'departmentGroups.list': everyRole,
  'standards.list': everyRole,
  'standards.get': everyRole,
  'plans.list': everyRole,
  'plans.get': everyRole,
  'plans.tree': everyRole,
  'imports.importPlan': organizationStaff,
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
  'users.list': organizationStaff,
  'users.create': ['admin'],
  'users.update': ['admin'],
  'users.resetPassword': ['admin'],
  'users.signOutEverywhere': ['admin'],
  'users.template': ['admin'],
  'users.import': ['admin'],
  'audit.list': ['admin'],
  'jobs.get': organizationStaff,
  'supervision.overdue': organizationStaff,
  'supervision.log': organizationStaff,
  'supervision.settings': organizationStaff,
  'supervision.updateSettings': organizationStaff,
  'supervision.saveContact': organizationStaff,
  'supervision.testSend': organizationStaff,
  'supervision.remind': organizationStaff,
  'notifications.list': everyRole,
  'notifications.read': everyRole,
  'notifications.readAll': everyRole,
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
  'ledger.getSettings': ['admin', 'coordinator', 'leader', 'liaison'],
  'ledger.setSettings': organizationStaff,
  'ledger.department': ['admin', 'coordinator', 'leader', 'liaison'],
  'ledger.report': departmentEditors,
  'ledger.overview': ['admin', 'coordinator', 'leader'],
  'ledger.export': ['admin', 'coordinator', 'leader'],
} as const satisfies Record<string, Access>;

export type OperationId = keyof typeof permissions;

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && Object.hasOwn(permissions, value);
}

export function roleMayCall(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return access.includes(role);
}
