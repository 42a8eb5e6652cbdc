import { securityRoles } from './powers';
import { roles, type Role } from './roles';

/**
 * Who may call an API operation (each operation's definition in `shared/api/<feature>.ts` names it):
 * - 'public': anyone, signed in or not;
 * - 'signed-in': any signed-in user, even one who must still change a first password;
 * - a list of roles: signed-in users with one of them (and a usable password).
 * A liaison may call an operation listed for 'liaison' but the service limits what they see
 * and change to their own department.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export const everyRole: readonly Role[] = roles;
/**
 * Everyone but the security admin and the auditor, who read no business data (三权分立,
 * `shared/powers.ts`): what was open to every role is open to these.
 */
export const workingRoles: readonly Role[] = roles.filter((role) => !securityRoles.includes(role));
export const organizationStaff: readonly Role[] = ['admin', 'coordinator'];
/** Who may change a department's task breakdown: its own liaison, or the coordinating office. */
export const departmentEditors: readonly Role[] = ['admin', 'coordinator', 'liaison'];
export const accountManagers: readonly Role[] = ['admin', 'security_admin'];

export function roleMayCall(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return access.includes(role);
}
