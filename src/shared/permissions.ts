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
  'organizations.current': everyRole,
  'departments.list': everyRole,
  'departments.create': organizationStaff,
  'departments.update': organizationStaff,
  'departmentGroups.list': everyRole,
  'standards.list': everyRole,
  'standards.get': everyRole,
  'plans.list': everyRole,
  'plans.get': everyRole,
  'plans.tree': everyRole,
  'imports.importPlan': organizationStaff,
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
  'users.list': organizationStaff,
  'users.create': ['admin'],
  'users.update': ['admin'],
  'users.resetPassword': ['admin'],
  'audit.list': ['admin'],
} as const satisfies Record<string, Access>;

export type OperationId = keyof typeof permissions;

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && Object.hasOwn(permissions, value);
}

export function roleMayCall(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return access.includes(role);
}
