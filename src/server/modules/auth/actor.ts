import type { Role } from '../../../shared/roles';

/** Who is acting, and from where: what services need to authorize and to audit. */
export interface Actor {
  userId: string;
  organizationId: string;
  username: string;
  role: Role;
  departmentId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The CLI and start-up act as the system, inside one organization: as its admin by default, or
 * as its security admin where accounts and roles are concerned (`luoshi user create --role …`,
 * run by whoever operates the server, may create every role).
 */
export function systemActor(
  organizationId: string,
  role: Extract<Role, 'admin' | 'security_admin'> = 'admin',
): Actor {
  return {
    userId: '00000000-0000-0000-0000-000000000000',
    organizationId,
    username: 'system',
    role,
    departmentId: null,
    ip: null,
    userAgent: 'luoshi-cli',
  };
}
