import type { UserView } from '../../../shared/api/auth';
import type { User } from './user.table';

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    organizationId: user.organizationId,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    departmentId: user.departmentId,
    email: user.email,
    phone: user.phone,
    mustChangePassword: user.mustChangePassword,
    totpEnabled: user.totpEnabledAt !== null,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil?.toISOString() ?? null,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    version: user.version,
  };
}
