import { describe, expect, it } from 'vitest';
import { permissions, roleMayCall, type OperationId } from '../../src/shared/permissions';
import {
  businessRoles,
  grantableRoles,
  mayDisableOwnTotp,
  mayGrantRole,
  mayManageAccount,
  mustEnrolTotp,
  privilegedRoles,
  securityRoles,
  totpEnrolmentOperations,
} from '../../src/shared/powers';
import { roles } from '../../src/shared/roles';

describe('separation of powers (三权分立)', () => {
  it('splits every role into business and privileged ones', () => {
    expect([...businessRoles, ...privilegedRoles].sort()).toEqual([...roles].sort());
    expect(businessRoles).toEqual(['coordinator', 'liaison', 'leader', 'reviewer']);
  });

  it('lets the security admin give every role, the system admin business roles only, and nobody else any', () => {
    expect(grantableRoles('security_admin')).toEqual([...roles]);
    expect(grantableRoles('admin')).toEqual(['coordinator', 'liaison', 'leader', 'reviewer']);
    for (const role of roles.filter(
      (candidate) => candidate !== 'admin' && candidate !== 'security_admin',
    ))
      expect(grantableRoles(role)).toEqual([]);
    expect(mayGrantRole('admin', 'auditor')).toBe(false);
    expect(mayManageAccount('admin', 'security_admin')).toBe(false);
    expect(mayManageAccount('admin', 'leader')).toBe(true);
    expect(mayManageAccount('security_admin', 'admin')).toBe(true);
  });

  it('requires an authenticator of the security admin only, who may then only enrol it and never turn it off', () => {
    expect(mustEnrolTotp({ role: 'security_admin', totpEnabled: false })).toBe(true);
    expect(mustEnrolTotp({ role: 'security_admin', totpEnabled: true })).toBe(false);
    expect(mustEnrolTotp({ role: 'admin', totpEnabled: false })).toBe(false);
    expect(mayDisableOwnTotp('security_admin')).toBe(false);
    expect(mayDisableOwnTotp('admin')).toBe(true);
    expect(totpEnrolmentOperations).toEqual(['auth.totpStart', 'auth.totpConfirm']);
  });

  it('gives the auditor the audit log and their own account only, and the security admin no business data', () => {
    const callable = (role: 'auditor' | 'security_admin') =>
      (Object.keys(permissions) as OperationId[]).filter((operation) => {
        const access = permissions[operation];
        return access !== 'public' && access !== 'signed-in' && roleMayCall(access, role);
      });
    expect(callable('auditor').sort()).toEqual([
      'audit.export',
      'audit.list',
      'auth.totpConfirm',
      'auth.totpDisable',
      'auth.totpStart',
    ]);
    const security = callable('security_admin');
    expect(
      security.filter(
        (operation) =>
          !operation.startsWith('auth.') &&
          !operation.startsWith('users.') &&
          !operation.startsWith('sso.') &&
          // 外呼地址: the robots and the internal addresses they may reach are the security admin's.
          !operation.startsWith('outbound.'),
      ),
      // …and the robots' 测试 (which answers only whether the message arrived).
    ).toEqual(['departments.list', 'supervision.testSend']);
    expect(security.filter((operation) => operation.startsWith('outbound.')).sort()).toEqual([
      'outbound.settings',
      'outbound.update',
    ]);
    for (const role of securityRoles)
      expect(roleMayCall(permissions['plans.list'], role)).toBe(false);
    expect(roleMayCall(permissions['audit.list'], 'admin')).toBe(false);
  });
});
