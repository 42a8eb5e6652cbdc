import type { Role } from '../../../shared/roles';
import type { User } from '../users/user.table';

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

/** A signed-in user acting from where the request came (`ip`, `userAgent`). */
export function actorOfUser(
  user: Pick<User, 'id' | 'organizationId' | 'username' | 'role' | 'departmentId'>,
  origin: { ip: string | null; userAgent: string | null },
): Actor {
  return {
    userId: user.id,
    organizationId: user.organizationId,
    username: user.username,
    role: user.role,
    departmentId: user.departmentId,
    ip: origin.ip,
    userAgent: origin.userAgent,
  };
}
