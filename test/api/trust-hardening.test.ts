import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** Issue 19: what an attacker found, each point's proof. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());
beforeEach(() => t.clock.set('2025-03-03T01:00:00Z'));

async function failedSignIns(userId: string) {
  const rows = await t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, userId), eq(auditLog.action, 'auth.sign_in_failed')));
  return rows.map((row) => (row.after as { reason: string }).reason);
}

describe('a stolen session is not an account (point 14)', () => {
  it('counts wrong current passwords on a password change towards the lockout; the fifth locks and ends the sessions', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'coordinator');
    const client = await signIn(t.app, user.username);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const wrong = await client.post('/api/v1/auth/password', {
        currentPassword: `guess-${attempt}`,
        newPassword: 'Another-Pass-77',
      });
      expect(wrong.json().error.code).toBe('auth.invalid_credentials');
    }
    const fifth = await client.post('/api/v1/auth/password', {
      currentPassword: 'guess-5',
      newPassword: 'Another-Pass-77',
    });
    expect(fifth.json().error.code).toBe('auth.account_locked');
    expect((await client.get('/api/v1/auth/session')).statusCode).toBe(401);
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(await failedSignIns(user.id)).toEqual(Array(5).fill('wrong_current_password'));
    // Locked: even the right password does not sign in.
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: user.username, password: TEST_PASSWORD },
    });
    expect(refused.json().error.code).toBe('auth.account_locked');
  });

  it('asks for the current password before an authenticator is bound, and counts a wrong one', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const client = await signIn(t.app, user.username);
    expect((await client.post('/api/v1/auth/totp/start', {})).statusCode).toBe(400);
    const wrong = await client.post('/api/v1/auth/totp/start', { currentPassword: 'not-it' });
    expect(wrong.json().error.code).toBe('auth.invalid_credentials');
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.totpSecret).toBeNull();
    expect(row!.failedSignIns).toBe(1);
    expect(await failedSignIns(user.id)).toEqual(['wrong_password_to_enrol_totp']);
    const right = await client.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json().secret).toMatch(/^[A-Z2-7]{32}$/);
  });
});
