import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { users } from '../../src/server/modules/users/user.table';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  TEST_PASSWORD,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('sign-in', () => {
  it('opens a session with an httpOnly, SameSite cookie and answers who is signed in', async () => {
    const { organization } = await createInstitution(t.db);
    const coordinator = await createUser(t.db, organization.id, 'coordinator');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: coordinator.username.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((candidate) => candidate.name === 'luoshi_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const body = response.json();
    expect(body.user).toMatchObject({
      username: coordinator.username,
      role: 'coordinator',
      mustChangePassword: false,
    });
    expect(body.organization.name).toBe(organization.name);
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(JSON.stringify(body)).not.toContain('passwordHash');

    const session = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: `luoshi_session=${cookie.value}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().user.id).toBe(coordinator.id);
  });

  it('stores passwords as argon2id hashes', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("refuses a wrong password and an unknown user alike, in the caller's language, and audits both", async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: user.username, password: 'Wrong-pass-1' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({
      code: 'auth.invalid_credentials',
      message: '用户名或密码不正确。',
      issues: [],
    });
    expect(wrong.cookies).toHaveLength(0);

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
      payload: { username: 'nobody-here', password: 'x' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toMatchObject({
      code: 'auth.invalid_credentials',
      message: 'Wrong user name or password.',
    });

    const failures = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'auth.sign_in_failed'));
    expect(failures.map((entry) => entry.actorName)).toEqual(
      expect.arrayContaining([user.username, 'nobody-here']),
    );
  });

  it('refuses a disabled account', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, user.id));
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: user.username, password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('auth.account_disabled');
  });

  it('lists every validation issue with its path', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: '', password: 5 },
    });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('request.invalid');
    expect(error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'body.password',
      'body.username',
    ]);
  });

  it('answers malformed JSON with request.invalid and no internals', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('request.invalid');
    expect(response.body).not.toMatch(/at \w+ \(|node_modules|SyntaxError/);
  });
});

describe('a first password must be changed', () => {
  it('blocks everything but the session and the password change until a strong password is set', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'coordinator', {
      password: 'One-Time-Pass-7',
      mustChangePassword: true,
    });
    const client = await signIn(t.app, user.username, 'One-Time-Pass-7');

    expect((await client.get('/api/v1/auth/session')).statusCode).toBe(200);
    const blocked = await client.get('/api/v1/plans');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');

    const weak = await client.post('/api/v1/auth/password', {
      currentPassword: 'One-Time-Pass-7',
      newPassword: 'password',
    });
    expect(weak.json().error.code).toBe('auth.password_too_weak');
    const withName = await client.post('/api/v1/auth/password', {
      currentPassword: 'One-Time-Pass-7',
      newPassword: `X1-${user.username}`,
    });
    expect(withName.json().error.code).toBe('auth.password_too_weak');
    const wrongCurrent = await client.post('/api/v1/auth/password', {
      currentPassword: 'nope',
      newPassword: 'Brand-New-Pass-3',
    });
    expect(wrongCurrent.json().error.code).toBe('auth.invalid_credentials');

    const changed = await client.post('/api/v1/auth/password', {
      currentPassword: 'One-Time-Pass-7',
      newPassword: 'Brand-New-Pass-3',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    expect((await client.get('/api/v1/plans')).statusCode).toBe(200);
    expect((await signIn(t.app, user.username, 'Brand-New-Pass-3')).csrfToken).toBeTruthy();
  });

  it("ends the user's other sessions when the password changes", async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const laptop = await signIn(t.app, user.username);
    const phone = await signIn(t.app, user.username);
    expect(
      (
        await laptop.post('/api/v1/auth/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: 'Another-Pass-42',
        })
      ).statusCode,
    ).toBe(200);
    expect((await phone.get('/api/v1/plans')).statusCode).toBe(401);
    expect((await laptop.get('/api/v1/plans')).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('requires the CSRF token on writes', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'admin');
    const client = await signIn(t.app, user.username);
    const forged = await client.request({
      method: 'POST',
      url: '/api/v1/departments',
      headers: { 'x-csrf-token': 'guess' },
      payload: { name: '教务处', kind: 'functional' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('auth.csrf');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/departments',
      headers: { cookie: client.cookie },
      payload: { name: '教务处', kind: 'functional' },
    });
    expect(missing.json().error.code).toBe('auth.csrf');
    expect((await client.get('/api/v1/departments')).json()).toEqual([]);
  });

  it('ends after 30 idle minutes and on sign-out', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const client = await signIn(t.app, user.username);
    t.clock.advance(29 * 60_000);
    expect((await client.get('/api/v1/plans')).statusCode).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await client.get('/api/v1/plans')).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const expired = await client.get('/api/v1/plans');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('auth.required');

    const again = await signIn(t.app, user.username);
    expect((await again.post('/api/v1/auth/sign-out')).statusCode).toBe(204);
    expect((await again.get('/api/v1/plans')).statusCode).toBe(401);
  });

  it('answers signed-out callers with auth.required', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/plans' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('auth.required');
  });
});

describe('the audit log', () => {
  it('records sign-ins and is append-only in the database itself', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    await signIn(t.app, user.username);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.actorUserId, user.id));
    expect(entry).toMatchObject({
      action: 'auth.sign_in',
      organizationId: organization.id,
      entityId: user.id,
    });
    expect(entry!.ip).toBeTruthy();
    const pool = t.database.pool;
    await expect(
      pool.query(`update audit_log set action = 'x' where id = $1`, [entry!.id]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(pool.query('delete from audit_log where id = $1', [entry!.id])).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(pool.query('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE/);
    expect(
      (await pool.query('select action from audit_log where id = $1', [entry!.id])).rows[0].action,
    ).toBe('auth.sign_in');
  });
});
