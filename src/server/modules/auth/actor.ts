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

/** The CLI and start-up act as the system, inside one organization. */
export function systemActor(organizationId: string): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', organizationId, username: 'system', role: 'admin', departmentId: null, ip: null, userAgent: 'luoshi-cli' };
}
