import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('users', () => {
  it('an admin creates a liaison with a one-time password that must be changed', async () => {
    const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const created = await admin.post('/api/v1/users', {
      username: 'jwc-liaison',
      displayName: '教务处联络员',
      role: 'liaison',
      departmentId: departments['教务处']!.id,
    });
    expect(created.statusCode).toBe(201);
    const { user, oneTimePassword } = created.json();
    expect(user).toMatchObject({
      username: 'jwc-liaison',
      role: 'liaison',
      mustChangePassword: true,
    });
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/);

    const liaison = await signIn(t.app, 'jwc-liaison', oneTimePassword);
    expect((await liaison.get('/api/v1/departments')).json().error.code).toBe(
      'auth.password_change_required',
    );
  });

  it('refuses a liaison without a department, a taken name and a department of another organization', async () => {
    const other = await createInstitution(t.db, [{ name: '外校处' }]);
    const { organization } = await createInstitution(t.db);
    const existing = await createUser(t.db, organization.id, 'leader');
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    expect(
      (
        await admin.post('/api/v1/users', { username: 'l1', displayName: 'x', role: 'liaison' })
      ).json().error.code,
    ).toBe('user.department_required');
    expect(
      (
        await admin.post('/api/v1/users', {
          username: existing.username,
          displayName: 'x',
          role: 'leader',
        })
      ).json().error.code,
    ).toBe('user.name_taken');
    expect(
      (
        await admin.post('/api/v1/users', {
          username: 'l2',
          displayName: 'x',
          role: 'liaison',
          departmentId: other.departments['外校处']!.id,
        })
      ).json().error.code,
    ).toBe('department.not_found');
  });

  it('disabling a user ends their sessions; a reset gives a new one-time password', async () => {
    const { organization } = await createInstitution(t.db);
    const leader = await createUser(t.db, organization.id, 'leader');
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const leaderClient = await signIn(t.app, leader.username);
    expect(
      (await admin.patch(`/api/v1/users/${leader.id}`, { disabled: true })).json().disabled,
    ).toBe(true);
    expect((await leaderClient.get('/api/v1/plans')).statusCode).toBe(401);
    await admin.patch(`/api/v1/users/${leader.id}`, { disabled: false });
    const reset = await admin.post(`/api/v1/users/${leader.id}/password-reset`);
    expect(reset.json().user.mustChangePassword).toBe(true);
    expect(
      (await signIn(t.app, leader.username, reset.json().oneTimePassword)).csrfToken,
    ).toBeTruthy();
  });

  it('audit entries about users never hold password hashes', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    await admin.post('/api/v1/users', {
      username: 'someone-new',
      displayName: 'x',
      role: 'reviewer',
    });
    const auditor = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'auditor')).username,
    );
    const entries = (await auditor.get('/api/v1/audit?action=user.create')).json().entries;
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/argon2|passwordHash/);
  });
});
