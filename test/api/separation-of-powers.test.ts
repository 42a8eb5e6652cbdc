import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { bootstrap } from '../../src/server/modules/system/bootstrap.service';
import { users } from '../../src/server/modules/users/user.table';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  seedPlanFile,
  signIn,
  TEST_PASSWORD,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function actionsAbout(userId: string): Promise<string[]> {
  return (
    await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, userId))
      .orderBy(auditLog.id)
  ).map((row) => row.action);
}

/** An institution with its three powers signed in (the security admin with an authenticator). */
async function threePowers() {
  const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
  const adminUser = await createUser(t.db, organization.id, 'admin');
  const securityUser = await createUser(t.db, organization.id, 'security_admin');
  const auditorUser = await createUser(t.db, organization.id, 'auditor');
  const admin = await signIn(t.app, adminUser.username);
  const security = await signIn(t.app, securityUser.username);
  await enrolTotp(security, t.clock);
  const auditor = await signIn(t.app, auditorUser.username);
  return {
    organization,
    departments,
    adminUser,
    securityUser,
    auditorUser,
    admin,
    security,
    auditor,
  };
}

describe('the first start', () => {
  it("creates the three powers' accounts, each with a one-time password, and nobody holds two", async () => {
    const outcome = await bootstrap(t.db, systemClock, {
      seedFile: seedPlanFile,
      maxFileBytes: 10 * 1024 * 1024,
    });
    if (outcome.kind !== 'created') throw new Error('expected a first start');
    expect(outcome.accounts.map((account) => [account.username, account.role])).toEqual([
      ['admin', 'admin'],
      ['secadmin', 'security_admin'],
      ['auditor', 'auditor'],
    ]);
    expect(new Set(outcome.accounts.map((account) => account.oneTimePassword)).size).toBe(3);
    expect(outcome.oneTimePassword).toBe(outcome.accounts[0]!.oneTimePassword);
    const created = await t.db
      .select({
        username: users.username,
        role: users.role,
        mustChangePassword: users.mustChangePassword,
      })
      .from(users);
    expect(
      created
        .filter((user) => ['admin', 'secadmin', 'auditor'].includes(user.username))
        .every((user) => user.mustChangePassword),
    ).toBe(true);

    // The security admin changes the one-time password, then may only enrol an authenticator.
    const secadmin = outcome.accounts[1]!;
    const client = await signIn(t.app, secadmin.username, secadmin.oneTimePassword);
    expect(
      (
        await client.post('/api/v1/auth/password', {
          currentPassword: secadmin.oneTimePassword,
          newPassword: 'Guard-The-Keys-7',
        })
      ).statusCode,
    ).toBe(200);
    const blocked = await client.get('/api/v1/users');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error).toMatchObject({
      code: 'auth.totp_enrolment_required',
      message: '安全管理员必须开启两步验证：请先在“账号安全”中绑定身份验证器。',
    });
    expect((await client.get('/api/v1/auth/session')).json().user).toMatchObject({
      role: 'security_admin',
      totpEnabled: false,
    });
    await enrolTotp(client, t.clock, 'Guard-The-Keys-7');
    expect((await client.get('/api/v1/users')).statusCode).toBe(200);
  });
});

describe('who does what', () => {
  it('a system admin manages business users only, and reads no audit log', async () => {
    const { departments, admin, securityUser, auditorUser } = await threePowers();
    for (const role of ['admin', 'security_admin', 'auditor'] as const) {
      const refused = await admin.post('/api/v1/users', {
        username: `new-${role}-${Date.now()}`,
        displayName: 'x',
        role,
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('user.role_forbidden');
    }
    const created = await admin.post('/api/v1/users', {
      username: `liaison-${Date.now()}`,
      displayName: '联络员',
      role: 'liaison',
      departmentId: departments['教务处']!.id,
    });
    expect(created.statusCode).toBe(201);
    const liaisonId = created.json().user.id as string;
    const promoted = await admin.patch(`/api/v1/users/${liaisonId}`, { role: 'admin' });
    expect(promoted.json().error.code).toBe('user.role_forbidden');
    expect((await admin.patch(`/api/v1/users/${liaisonId}`, { role: 'leader' })).json().role).toBe(
      'leader',
    );

    // The powers' accounts are the security admin's: the admin cannot edit, reset or sign them out.
    for (const target of [securityUser, auditorUser]) {
      expect(
        (await admin.patch(`/api/v1/users/${target.id}`, { displayName: 'x' })).json().error.code,
      ).toBe('user.privileged_account');
      expect(
        (await admin.post(`/api/v1/users/${target.id}/password-reset`)).json().error.code,
      ).toBe('user.privileged_account');
      expect(
        (await admin.post(`/api/v1/users/${target.id}/sign-out-everywhere`)).json().error.code,
      ).toBe('user.privileged_account');
    }
    for (const url of ['/api/v1/audit', '/api/v1/audit/export.xlsx'])
      expect((await admin.get(url)).json().error.code).toBe('auth.forbidden');
    expect((await admin.post(`/api/v1/users/${liaisonId}/unlock`)).json().error.code).toBe(
      'auth.forbidden',
    );
    expect((await admin.post(`/api/v1/users/${liaisonId}/totp-reset`)).json().error.code).toBe(
      'auth.forbidden',
    );
  });

  it('a security admin gives every role, audited as a permission change, but never their own, and reads no business data', async () => {
    const { organization, security, securityUser } = await threePowers();
    const leader = await createUser(t.db, organization.id, 'leader');
    const promoted = await security.patch(`/api/v1/users/${leader.id}`, { role: 'admin' });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().role).toBe('admin');
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, leader.id), eq(auditLog.action, 'user.role_change')));
    expect(entry).toMatchObject({
      actorUserId: securityUser.id,
      before: expect.objectContaining({ role: 'leader' }),
      after: expect.objectContaining({ role: 'admin' }),
    });
    expect(JSON.stringify(entry)).not.toMatch(/passwordHash|argon2/);

    const auditorCreated = await security.post('/api/v1/users', {
      username: `aud-${Date.now()}`,
      displayName: '第二审计员',
      role: 'auditor',
    });
    expect(auditorCreated.statusCode).toBe(201);
    // An overseer belongs to a supervising organization, never to an institution.
    const overseer = await security.post('/api/v1/users', {
      username: `ovs-${Date.now()}`,
      displayName: '督导',
      role: 'overseer',
    });
    expect([overseer.statusCode, overseer.json().error.code]).toEqual([
      422,
      'oversight.role_mismatch',
    ]);
    expect(
      (await security.patch(`/api/v1/users/${leader.id}`, { role: 'overseer' })).json().error.code,
    ).toBe('oversight.role_mismatch');

    const self = await security.patch(`/api/v1/users/${securityUser.id}`, { role: 'admin' });
    expect(self.json().error.code).toBe('user.cannot_lock_self');

    for (const url of [
      '/api/v1/plans',
      '/api/v1/standards',
      '/api/v1/audit',
      '/api/v1/organization',
      '/api/v1/notifications',
    ]) {
      const response = await security.get(url);
      expect([url, response.statusCode, response.json().error?.code]).toEqual([
        url,
        403,
        'auth.forbidden',
      ]);
    }
    expect((await security.get('/api/v1/users')).statusCode).toBe(200);
  });

  it('an auditor reads the audit log and nothing else', async () => {
    const { auditor } = await threePowers();
    expect((await auditor.get('/api/v1/audit')).statusCode).toBe(200);
    for (const url of [
      '/api/v1/plans',
      '/api/v1/users',
      '/api/v1/departments',
      '/api/v1/notifications',
    ]) {
      expect((await auditor.get(url)).json().error.code).toBe('auth.forbidden');
    }
    expect(
      (
        await auditor.post('/api/v1/users', { username: 'x-y', displayName: 'x', role: 'leader' })
      ).json().error.code,
    ).toBe('auth.forbidden');
    // Their own account's security stays theirs.
    expect((await auditor.get('/api/v1/auth/session')).statusCode).toBe(200);
    expect(
      (await auditor.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD }))
        .statusCode,
    ).toBe(200);
  });

  it('keeps at least one active security admin and one auditor', async () => {
    const { organization, security, securityUser, auditorUser } = await threePowers();
    const lastAuditor = await security.patch(`/api/v1/users/${auditorUser.id}`, { disabled: true });
    expect(lastAuditor.statusCode).toBe(409);
    expect(lastAuditor.json().error).toMatchObject({
      code: 'user.last_of_role',
      message: expect.stringContaining('最后一位启用的安全审计员'),
    });
    expect(
      (await security.patch(`/api/v1/users/${auditorUser.id}`, { role: 'leader' })).json().error
        .code,
    ).toBe('user.last_of_role');

    await createUser(t.db, organization.id, 'auditor');
    expect(
      (await security.patch(`/api/v1/users/${auditorUser.id}`, { disabled: true })).json().disabled,
    ).toBe(true);

    // With two security admins, one may disable the other (never themselves: user.cannot_lock_self).
    const other = await createUser(t.db, organization.id, 'security_admin');
    const otherClient = await signIn(t.app, other.username);
    await enrolTotp(otherClient, t.clock);
    expect(
      (await otherClient.patch(`/api/v1/users/${securityUser.id}`, { disabled: true })).json()
        .disabled,
    ).toBe(true);
    expect((await security.get('/api/v1/users')).statusCode).toBe(401);
    expect(
      (await otherClient.patch(`/api/v1/users/${other.id}`, { disabled: true })).json().error.code,
    ).toBe('user.cannot_lock_self');
  });
});

describe('account security by the security admin', () => {
  it("resets a lost authenticator: the user's sessions end, they sign in with the password and must enrol again", async () => {
    const { organization, security } = await threePowers();
    const colleague = await createUser(t.db, organization.id, 'security_admin');
    const colleagueClient = await signIn(t.app, colleague.username);
    await enrolTotp(colleagueClient, t.clock);
    const reset = await security.post(`/api/v1/users/${colleague.id}/totp-reset`);
    expect(reset.statusCode).toBe(200);
    expect(reset.json().totpEnabled).toBe(false);
    expect((await colleagueClient.get('/api/v1/auth/session')).statusCode).toBe(401);
    expect(await actionsAbout(colleague.id)).toContain('user.reset_totp');

    const again = await signIn(t.app, colleague.username);
    expect((await again.get('/api/v1/users')).json().error.code).toBe(
      'auth.totp_enrolment_required',
    );
    expect(
      (await security.post(`/api/v1/users/${colleague.id}/totp-reset`)).json().error.code,
    ).toBe('user.totp_not_enabled');
  });

  it("refuses resetting one's own authenticator, and turning it off", async () => {
    const { security, securityUser } = await threePowers();
    expect(
      (await security.post(`/api/v1/users/${securityUser.id}/totp-reset`)).json().error.code,
    ).toBe('user.cannot_reset_own_totp');
    const disabled = await security.post('/api/v1/auth/totp/disable', { code: '000000' });
    expect(disabled.json().error.code).toBe('auth.totp_required_for_role');
  });

  it('unlocks a locked account, audited', async () => {
    const { organization, security } = await threePowers();
    const leader = await createUser(t.db, organization.id, 'leader');
    for (let attempt = 0; attempt < 5; attempt++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { username: leader.username, password: 'Wrong-Pass-1' },
        remoteAddress: `10.9.${attempt}.1`,
      });
    }
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { username: leader.username, password: TEST_PASSWORD },
        })
      ).statusCode,
    ).toBe(423);
    const listed = (await security.get('/api/v1/users')).json() as {
      id: string;
      lockedUntil: string | null;
    }[];
    expect(listed.find((user) => user.id === leader.id)!.lockedUntil).not.toBeNull();
    const unlocked = await security.post(`/api/v1/users/${leader.id}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().lockedUntil).toBeNull();
    expect((await signIn(t.app, leader.username)).csrfToken).toBeTruthy();
    expect(await actionsAbout(leader.id)).toContain('user.unlock');
    expect((await security.post(`/api/v1/users/${leader.id}/unlock`)).json().error.code).toBe(
      'user.not_locked',
    );
  });

  it('resets a password and signs a user out everywhere, for any account', async () => {
    const { admin, adminUser, security } = await threePowers();
    const reset = await security.post(`/api/v1/users/${adminUser.id}/password-reset`);
    expect(reset.statusCode).toBe(200);
    expect((await admin.get('/api/v1/plans')).statusCode).toBe(401);
    const again = await signIn(t.app, adminUser.username, reset.json().oneTimePassword);
    expect((await again.get('/api/v1/plans')).json().error.code).toBe(
      'auth.password_change_required',
    );
    expect(
      (await security.post(`/api/v1/users/${adminUser.id}/sign-out-everywhere`)).statusCode,
    ).toBe(204);
    expect((await again.get('/api/v1/auth/session')).statusCode).toBe(401);
  });
});

describe('personal data in 用户管理', () => {
  it('shows contacts in full to who manages accounts, and the list to nobody else but the office', async () => {
    const { organization, security, admin } = await threePowers();
    await createUser(t.db, organization.id, 'leader');
    const [leader] = await t.db
      .update(users)
      .set({ phone: '13812345678', email: 'lingdao@example.edu.cn' })
      .where(and(eq(users.organizationId, organization.id), eq(users.role, 'leader')))
      .returning();
    for (const client of [security, admin]) {
      const listed = (await client.get('/api/v1/users')).json() as {
        id: string;
        phone: string;
        email: string;
      }[];
      expect(listed.find((user) => user.id === leader!.id)).toMatchObject({
        phone: '13812345678',
        email: 'lingdao@example.edu.cn',
      });
    }
    const leaderClient = await signIn(t.app, leader!.username);
    expect((await leaderClient.get('/api/v1/users')).json().error.code).toBe('auth.forbidden');
  });
});
