import type { OperationId } from './permissions';
import { roles, type Role } from './roles';

/**
 * Separation of powers (三权分立, 等保 2.0 level 3). Three accounts hold the system's powers and
 * no account holds two (users.role is one column):
 * - the system admin ('admin') runs the institution's set-up and its business users;
 * - the security admin ('security_admin') holds every account's role and security: grants the
 *   privileged roles, unlocks, resets passwords and authenticators, signs users out; reads no
 *   business data;
 * - the auditor ('auditor') reads, searches and exports the audit log, and nothing else.
 * Pure rules, used by the server (users service, access control) and the web (用户管理).
 */

/** Roles that only a security admin may give, take away or manage (their accounts included). */
export const privilegedRoles: readonly Role[] = [
  'admin',
  'security_admin',
  'auditor',
  'overseer',
  'case_handler',
];

/** The roles of the people who do the plan's work: a system admin manages these accounts. */
export const businessRoles: readonly Role[] = roles.filter(
  (role) => !privilegedRoles.includes(role),
);

/** Roles that hold a power over the others' accounts or their trail: they read no business data. */
export const securityRoles: readonly Role[] = ['security_admin', 'auditor'];

/** Roles of which one active account must remain once one exists (the others cannot be recovered without them). */
export const indispensableRoles: readonly Role[] = ['security_admin', 'auditor'];

/** Roles that must sign in with a second factor: until they enrol one they may only enrol it. */
export const rolesRequiringTotp: readonly Role[] = ['security_admin'];

export function isPrivilegedRole(role: Role): boolean {
  return privilegedRoles.includes(role);
}

/** Whether a user of `actorRole` may create an account of `role`, or give `role` to one. */
export function mayGrantRole(actorRole: Role, role: Role): boolean {
  if (actorRole === 'security_admin') return true;
  if (actorRole === 'admin') return !isPrivilegedRole(role);
  return false;
}

/** The roles a user of `actorRole` may pick in 用户管理 (empty: they create and edit nobody). */
export function grantableRoles(actorRole: Role): Role[] {
  return roles.filter((role) => mayGrantRole(actorRole, role));
}

/**
 * Whether a user of `actorRole` may edit, reset or sign out an account that has `targetRole`:
 * the security admin any account; the system admin business accounts only.
 */
export function mayManageAccount(actorRole: Role, targetRole: Role): boolean {
  return mayGrantRole(actorRole, targetRole);
}

/** Whether this user must enrol an authenticator before doing anything else. */
export function mustEnrolTotp(user: { role: Role; totpEnabled: boolean }): boolean {
  return rolesRequiringTotp.includes(user.role) && !user.totpEnabled;
}

/** Whether a user of this role may turn their own two-step verification off. */
export function mayDisableOwnTotp(role: Role): boolean {
  return !rolesRequiringTotp.includes(role);
}

/** What a user who must enrol an authenticator may call besides the signed-in basics (session, sign-out, password). */
export const totpEnrolmentOperations: readonly OperationId[] = [
  'auth.totpStart',
  'auth.totpConfirm',
];
