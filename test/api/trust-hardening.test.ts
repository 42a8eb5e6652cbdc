import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { signInFailures } from '../../src/server/modules/auth/sign-in-failure.table';
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

describe('the per-address sign-in limit under concurrency (point 15)', () => {
  it('lets exactly 20 of 60 parallel wrong sign-ins from one address be checked, across two app processes', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = '10.19.15.1';
    const second = await buildApp(
      { db: t.db, clock: t.clock, config: t.config, mailer: null },
      { logger: false },
    );
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          (index % 2 === 0 ? t.app : second).inject({
            method: 'POST',
            url: '/api/v1/auth/sign-in',
            remoteAddress: ip,
            payload: {
              username: index % 3 === 0 ? user.username : `nobody-${index}`,
              password: `Wrong-Pass-${index}`,
            },
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.statusCode);
      expect(statuses.filter((status) => status === 429)).toHaveLength(40);
      expect(statuses.filter((status) => status === 401 || status === 423)).toHaveLength(20);
      expect(
        await t.db.select().from(signInFailures).where(eq(signInFailures.ip, ip)),
      ).toHaveLength(20);
    } finally {
      await second.close();
    }
  });

  it('gives a successful sign-in its reservation back: successes never count', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = '10.19.15.2';
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          remoteAddress: ip,
          payload: { username: user.username, password: TEST_PASSWORD },
        }),
      ),
    );
    // Parallel successes may be refused while 20 are being checked, never counted.
    expect(answers.filter((answer) => answer.statusCode === 200).length).toBeGreaterThanOrEqual(20);
    expect(await t.db.select().from(signInFailures).where(eq(signInFailures.ip, ip))).toHaveLength(
      0,
    );
  });
});
