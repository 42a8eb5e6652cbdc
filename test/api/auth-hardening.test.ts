import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { createSecretBox } from '../../src/server/modules/auth/secret-box';
import { signInFailures } from '../../src/server/modules/auth/sign-in-failure.table';
import { base32Decode, hotp, totpCode, totpStep } from '../../src/server/modules/auth/totp';
import { users } from '../../src/server/modules/users/user.table';
import {
  createInstitution,
  createTestApp,
  createUser,
  TEST_PASSWORD,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());
// Users made here have no password date, so an admin's counts from the row's creation (the real
// now): every test starts at a fixed date before it and moves the clock only forward.
beforeEach(() => t.clock.set('2025-03-03T01:00:00Z'));

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Each test signs in from an address of its own, so that the per-address limit of one does not touch another. */
let lastAddress = 0;
const newAddress = () => `10.20.0.${++lastAddress}`;

function attempt(
  username: string,
  password: string,
  options: { ip: string; totpCode?: string; language?: string; app?: FastifyInstance },
) {
  return (options.app ?? t.app).inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    remoteAddress: options.ip,
    headers: { 'accept-language': options.language ?? 'zh-CN' },
    payload: {
      username,
      password,
      ...(options.totpCode === undefined ? {} : { totpCode: options.totpCode }),
    },
  });
}

/** A signed-in client from a given sign-in answer. */
function clientOf(response: Awaited<ReturnType<typeof attempt>>) {
  expect(response.statusCode, response.body).toBe(200);
  const cookie = `luoshi_session=${response.cookies.find((candidate) => candidate.name === 'luoshi_session')!.value}`;
  const csrfToken = (response.json() as { csrfToken: string }).csrfToken;
  const request = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { cookie, 'x-csrf-token': csrfToken },
      ...(payload === undefined ? {} : { payload }),
    });
  return {
    cookie,
    get: (url: string) => request('GET', url),
    post: (url: string, payload?: object) => request('POST', url, payload),
    patch: (url: string, payload: object) => request('PATCH', url, payload),
  };
}

async function auditOf(userId: string, action: string) {
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, userId), eq(auditLog.action, action)));
}

describe('five failed sign-ins lock the account for 15 minutes', () => {
  it('locks on the fifth failure, refuses even the right password while locked, says until when, and unlocks after 15 minutes', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'coordinator');
    const ip = newAddress();
    t.clock.set('2025-04-01T02:00:00Z'); // 10:00 in Beijing

    for (let failure = 1; failure <= 4; failure++) {
      const wrong = await attempt(user.username, `Wrong-Pass-${failure}`, { ip });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('auth.invalid_credentials');
    }
    t.clock.advance(30_000);
    const fifth = await attempt(user.username, 'Wrong-Pass-5', { ip });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error).toMatchObject({
      code: 'auth.account_locked',
      params: { count: 5, until: '2025-04-01 10:16' },
    });
    expect(fifth.json().error.message).toBe(
      '连续 5 次登录失败，账号已锁定，请于 2025-04-01 10:16（北京时间）之后再试。',
    );

    t.clock.advance(5 * MINUTE);
    const rightButLocked = await attempt(user.username, TEST_PASSWORD, { ip, language: 'en' });
    expect(rightButLocked.statusCode).toBe(423);
    expect(rightButLocked.json().error.message).toBe(
      'After 5 failed sign-ins this account is locked until 2025-04-01 10:16 (China Standard Time); try again after that.',
    );
    expect(rightButLocked.cookies).toHaveLength(0);

    t.clock.advance(10 * MINUTE - 1_000); // 14:59 after the lock
    expect((await attempt(user.username, TEST_PASSWORD, { ip })).statusCode).toBe(423);
    t.clock.advance(2_000);
    const unlocked = await attempt(user.username, TEST_PASSWORD, { ip });
    expect(unlocked.statusCode).toBe(200);

    const failures = await auditOf(user.id, 'auth.sign_in_failed');
    expect(failures.map((entry) => (entry.after as { reason: string }).reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'locked',
      'locked',
    ]);
    expect(failures.every((entry) => entry.ip === ip)).toBe(true);
    const locks = await auditOf(user.id, 'auth.account_locked');
    expect(locks).toHaveLength(1);
    expect(locks[0]!.after).toMatchObject({ lockedUntil: '2025-04-01T02:15:30.000Z' });
  });

  it('counts failures in a row: a success starts the count again', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    for (let round = 0; round < 2; round++) {
      for (let failure = 0; failure < 4; failure++)
        expect((await attempt(user.username, 'Wrong-Pass-1', { ip })).statusCode).toBe(401);
      expect((await attempt(user.username, TEST_PASSWORD, { ip })).statusCode).toBe(200);
    }
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ failedSignIns: 0, lockedUntil: null });
  });

  it('counts concurrent failures without losing any', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        attempt(user.username, `Wrong-Pass-${index}`, { ip }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([401, 401, 401, 401, 423]);
    expect((await attempt(user.username, TEST_PASSWORD, { ip })).statusCode).toBe(423);
  });

  it('is lifted when an administrator resets the password', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await createUser(t.db, organization.id, 'admin');
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    for (let failure = 0; failure < 5; failure++)
      await attempt(user.username, 'Wrong-Pass-1', { ip });
    const adminClient = clientOf(
      await attempt(admin.username, TEST_PASSWORD, { ip: newAddress() }),
    );
    const reset = await adminClient.post(`/api/v1/users/${user.id}/password-reset`);
    expect(reset.statusCode).toBe(200);
    expect((await attempt(user.username, reset.json().oneTimePassword, { ip })).statusCode).toBe(
      200,
    );
  });
});

describe('failed sign-ins are limited per network address', () => {
  it('answers request.rate_limited after 20 failures in 5 minutes from one address, counted in PostgreSQL across app processes', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    const otherIp = newAddress();
    // A second app process on the same database: it shares the count.
    const second = await buildApp(
      { db: t.db, clock: t.clock, config: t.config },
      { logger: false },
    );
    try {
      for (let failure = 0; failure < 20; failure++) {
        const wrong = await attempt(`nobody-${failure}`, 'Wrong-Pass-1', {
          ip,
          app: failure % 2 === 0 ? t.app : second,
        });
        expect(wrong.statusCode).toBe(401);
      }
      expect(
        await t.db.select().from(signInFailures).where(eq(signInFailures.ip, ip)),
      ).toHaveLength(20);

      const limited = await attempt(user.username, TEST_PASSWORD, {
        ip,
        app: second,
        language: 'en',
      });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error).toMatchObject({
        code: 'request.rate_limited',
        message: 'Too many requests; try again shortly.',
      });
      expect((await attempt(user.username, TEST_PASSWORD, { ip })).statusCode).toBe(429);
      expect((await attempt(user.username, TEST_PASSWORD, { ip: otherIp })).statusCode).toBe(200);
      // The account itself is not locked: those failures were not its own.
      expect(
        (await t.db.select().from(users).where(eq(users.id, user.id)))[0]!.lockedUntil,
      ).toBeNull();

      const refusals = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'auth.sign_in_rate_limited'), eq(auditLog.ip, ip)));
      expect(refusals).toHaveLength(2);

      t.clock.advance(5 * MINUTE + 1_000);
      expect((await attempt(user.username, TEST_PASSWORD, { ip })).statusCode).toBe(200);
      // Failures that no window counts any more are deleted.
      await attempt('nobody-again', 'Wrong-Pass-1', { ip });
      expect(
        await t.db.select().from(signInFailures).where(eq(signInFailures.ip, ip)),
      ).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe("an administrator's password expires after 90 days", () => {
  it('forces an admin to change a password older than 90 days at sign-in, but not a liaison', async () => {
    const { organization, departments } = await createInstitution(t.db, [{ name: '教务处' }]);
    const admin = await createUser(t.db, organization.id, 'admin', {
      password: 'One-Time-Pass-7',
      mustChangePassword: true,
    });
    const liaison = await createUser(t.db, organization.id, 'liaison', {
      password: 'One-Time-Pass-7',
      mustChangePassword: true,
      departmentId: departments['教务处']!.id,
    });
    const ip = newAddress();
    for (const user of [admin, liaison]) {
      const first = clientOf(await attempt(user.username, 'One-Time-Pass-7', { ip }));
      expect(
        (
          await first.post('/api/v1/auth/password', {
            currentPassword: 'One-Time-Pass-7',
            newPassword: 'Chosen-Pass-42',
          })
        ).statusCode,
      ).toBe(200);
    }

    t.clock.advance(90 * DAY - MINUTE);
    const stillFresh = await attempt(admin.username, 'Chosen-Pass-42', { ip });
    expect(stillFresh.json().user.mustChangePassword).toBe(false);

    t.clock.advance(2 * MINUTE);
    const expired = await attempt(admin.username, 'Chosen-Pass-42', { ip });
    expect(expired.statusCode).toBe(200);
    expect(expired.json().user.mustChangePassword).toBe(true);
    const adminClient = clientOf(expired);
    const blocked = await adminClient.get('/api/v1/plans');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');
    expect(await auditOf(admin.id, 'auth.password_expired')).toHaveLength(1);
    const liaisonSignIn = await attempt(liaison.username, 'Chosen-Pass-42', { ip });
    expect(liaisonSignIn.json().user.mustChangePassword).toBe(false);
    expect((await clientOf(liaisonSignIn).get('/api/v1/plans')).statusCode).toBe(200);

    expect(
      (
        await adminClient.post('/api/v1/auth/password', {
          currentPassword: 'Chosen-Pass-42',
          newPassword: 'Next-Pass-2027',
        })
      ).statusCode,
    ).toBe(200);
    expect((await adminClient.get('/api/v1/plans')).statusCode).toBe(200);
    expect(
      (await attempt(admin.username, 'Next-Pass-2027', { ip })).json().user.mustChangePassword,
    ).toBe(false);
  });

  it("expires the auditor's password after 90 days too, as the third of the three powers", async () => {
    const { organization } = await createInstitution(t.db);
    const auditor = await createUser(t.db, organization.id, 'auditor', {
      password: 'One-Time-Pass-7',
      mustChangePassword: true,
    });
    const ip = newAddress();
    const first = clientOf(await attempt(auditor.username, 'One-Time-Pass-7', { ip }));
    expect(
      (
        await first.post('/api/v1/auth/password', {
          currentPassword: 'One-Time-Pass-7',
          newPassword: 'Chosen-Pass-42',
        })
      ).statusCode,
    ).toBe(200);
    t.clock.advance(90 * DAY + MINUTE);
    const expired = await attempt(auditor.username, 'Chosen-Pass-42', { ip });
    expect(expired.json().user.mustChangePassword).toBe(true);
    expect((await clientOf(expired).get('/api/v1/audit')).json().error.code).toBe(
      'auth.password_change_required',
    );
  });

  it('holds a session that outlives the 90 days to it', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await createUser(t.db, organization.id, 'admin', {
      password: 'One-Time-Pass-7',
      mustChangePassword: true,
    });
    const ip = newAddress();
    const first = clientOf(await attempt(admin.username, 'One-Time-Pass-7', { ip }));
    expect(
      (
        await first.post('/api/v1/auth/password', {
          currentPassword: 'One-Time-Pass-7',
          newPassword: 'Chosen-Pass-42',
        })
      ).statusCode,
    ).toBe(200);
    t.clock.advance(90 * DAY - 10 * MINUTE);
    const session = clientOf(await attempt(admin.username, 'Chosen-Pass-42', { ip }));
    expect((await session.get('/api/v1/plans')).statusCode).toBe(200);
    t.clock.advance(20 * MINUTE);
    const blocked = await session.get('/api/v1/plans');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');
    expect((await session.get('/api/v1/auth/session')).json().user.mustChangePassword).toBe(true);
  });
});

describe('signing out everywhere', () => {
  it('ends every session of the user, this one included', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'leader');
    const other = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    const laptop = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));
    const phone = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));
    const someoneElse = clientOf(await attempt(other.username, TEST_PASSWORD, { ip }));

    const response = await phone.post('/api/v1/auth/sign-out-everywhere');
    expect(response.statusCode).toBe(204);
    expect(response.cookies.find((cookie) => cookie.name === 'luoshi_session')?.value).toBe('');
    expect((await laptop.get('/api/v1/plans')).statusCode).toBe(401);
    expect((await phone.get('/api/v1/plans')).statusCode).toBe(401);
    expect((await someoneElse.get('/api/v1/plans')).statusCode).toBe(200);
    expect(await auditOf(user.id, 'auth.sign_out_everywhere')).toHaveLength(1);
  });

  it('lets an admin end all sessions of a user of their organization, and disabling a user ends them too', async () => {
    const { organization } = await createInstitution(t.db);
    const elsewhere = await createInstitution(t.db);
    const admin = await createUser(t.db, organization.id, 'admin');
    const foreignAdmin = await createUser(t.db, elsewhere.organization.id, 'admin');
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    const adminClient = clientOf(await attempt(admin.username, TEST_PASSWORD, { ip }));
    const foreignClient = clientOf(await attempt(foreignAdmin.username, TEST_PASSWORD, { ip }));
    const userClient = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));

    const foreign = await foreignClient.post(`/api/v1/users/${user.id}/sign-out-everywhere`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('user.not_found');
    expect((await userClient.get('/api/v1/plans')).statusCode).toBe(200);

    expect(
      (await adminClient.post(`/api/v1/users/${user.id}/sign-out-everywhere`)).statusCode,
    ).toBe(204);
    expect((await userClient.get('/api/v1/plans')).statusCode).toBe(401);
    expect((await adminClient.get('/api/v1/plans')).statusCode).toBe(200);
    const [entry] = await auditOf(user.id, 'user.sign_out_everywhere');
    expect(entry).toMatchObject({ actorUserId: admin.id, organizationId: organization.id });

    const again = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));
    expect(
      (await adminClient.patch(`/api/v1/users/${user.id}`, { disabled: true })).statusCode,
    ).toBe(200);
    expect((await again.get('/api/v1/plans')).statusCode).toBe(401);
  });
});

describe('TOTP two-step verification', () => {
  it('computes the RFC 6238 test vectors (SHA-1, 8 digits cut to 6)', () => {
    // RFC 6238 appendix B, secret "12345678901234567890": 94287082 at 59 s, 07081804 at 1111111109 s.
    const secret = Buffer.from('12345678901234567890');
    expect(hotp(secret, totpStep(new Date(59_000)))).toBe('287082');
    expect(hotp(secret, totpStep(new Date(1_111_111_109_000)))).toBe('081804');
    expect(hotp(secret, totpStep(new Date(20_000_000_000_000)))).toBe('353130');
  });

  it('seals secrets so that they open only for the record they belong to and under the same key', async () => {
    const box = createSecretBox({ secretKey: 'ab'.repeat(32), dataDir: '/nonexistent' });
    const sealed = await box.seal('JBSWY3DPEHPK3PXP', 'user-a');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(await box.open(sealed, 'user-a')).toBe('JBSWY3DPEHPK3PXP');
    await expect(box.open(sealed, 'user-b')).rejects.toThrow();
    await expect(
      createSecretBox({ secretKey: 'cd'.repeat(32), dataDir: '/nonexistent' }).open(
        sealed,
        'user-a',
      ),
    ).rejects.toThrow();
  });

  it('enrols with a confirmed code, then needs a fresh code at every sign-in, refuses replays, and turns off only with a code', async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await createUser(t.db, organization.id, 'admin');
    const ip = newAddress();
    const client = clientOf(await attempt(admin.username, TEST_PASSWORD, { ip }));
    const otherBrowser = clientOf(await attempt(admin.username, TEST_PASSWORD, { ip }));

    const started = await client.post('/api/v1/auth/totp/start', {
      currentPassword: TEST_PASSWORD,
    });
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri } = started.json() as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Luoshi:${admin.username}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret,
      issuer: 'Luoshi',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });

    // Stored sealed, not as given.
    const [stored] = await t.db.select().from(users).where(eq(users.id, admin.id));
    expect(stored!.totpSecret).toMatch(/^v1\./);
    expect(stored!.totpSecret).not.toContain(secret);
    // Not on until confirmed.
    expect((await attempt(admin.username, TEST_PASSWORD, { ip })).statusCode).toBe(200);

    const wrong = await client.post('/api/v1/auth/totp/confirm', {
      code: totpCode(secret, new Date(t.clock.now().getTime() + 5 * MINUTE)),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('auth.totp_invalid');
    expect(
      (await client.post('/api/v1/auth/totp/confirm', { code: 'abcdef' })).json().error.code,
    ).toBe('request.invalid');

    const confirmCode = totpCode(secret, t.clock.now());
    const confirmed = await client.post('/api/v1/auth/totp/confirm', { code: confirmCode });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().totpEnabled).toBe(true);
    expect((await otherBrowser.get('/api/v1/plans')).statusCode).toBe(401);

    // The secret is never given again.
    const restart = await client.post('/api/v1/auth/totp/start', {
      currentPassword: TEST_PASSWORD,
    });
    expect(restart.statusCode).toBe(409);
    expect(restart.json().error.code).toBe('auth.totp_already_enabled');
    expect(restart.body).not.toContain(secret);
    const auditor = clientOf(
      await attempt((await createUser(t.db, organization.id, 'auditor')).username, TEST_PASSWORD, {
        ip,
      }),
    );
    for (const [reader, url] of [
      [client, '/api/v1/auth/session'],
      [client, '/api/v1/users'],
      [auditor, '/api/v1/audit?pageSize=100'],
    ] as const) {
      const answer = await reader.get(url);
      expect(answer.statusCode).toBe(200);
      const body = answer.body;
      expect(body).not.toContain(secret);
      expect(body).not.toContain(stored!.totpSecret);
      expect(body).not.toMatch(/totpSecret/);
    }

    // A password alone no longer opens a session.
    const passwordOnly = await attempt(admin.username, TEST_PASSWORD, { ip });
    expect(passwordOnly.statusCode).toBe(401);
    expect(passwordOnly.json().error).toMatchObject({
      code: 'auth.totp_required',
      message: '请输入身份验证器 App 上显示的 6 位动态码。',
    });
    expect(passwordOnly.cookies).toHaveLength(0);
    const wrongPasswordRightCode = await attempt(admin.username, 'Wrong-Pass-1', {
      ip,
      totpCode: totpCode(secret, t.clock.now()),
    });
    expect(wrongPasswordRightCode.json().error.code).toBe('auth.invalid_credentials');

    // The code that confirmed the enrolment is spent.
    const replayed = await attempt(admin.username, TEST_PASSWORD, { ip, totpCode: confirmCode });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error.code).toBe('auth.totp_invalid');
    expect(replayed.cookies).toHaveLength(0);

    t.clock.advance(30_000);
    const code = totpCode(secret, t.clock.now());
    const signedIn = await attempt(admin.username, TEST_PASSWORD, { ip, totpCode: code });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.totpEnabled).toBe(true);
    // Within its window, the same code does not open a second session.
    t.clock.advance(20_000);
    const replayedAgain = await attempt(admin.username, TEST_PASSWORD, { ip, totpCode: code });
    expect(replayedAgain.json().error.code).toBe('auth.totp_invalid');
    // A code of the next step, typed a little early, is accepted (±1 step).
    const early = await attempt(admin.username, TEST_PASSWORD, {
      ip,
      totpCode: totpCode(secret, new Date(t.clock.now().getTime() + 30_000)),
    });
    expect(early.statusCode).toBe(200);
    // Two steps away is too far.
    t.clock.advance(5 * MINUTE);
    const stale = await attempt(admin.username, TEST_PASSWORD, {
      ip,
      totpCode: totpCode(secret, new Date(t.clock.now().getTime() - 2 * 30_000)),
    });
    expect(stale.json().error.code).toBe('auth.totp_invalid');

    const failures = await auditOf(admin.id, 'auth.sign_in_failed');
    expect(failures.map((entry) => (entry.after as { reason: string }).reason)).toEqual([
      'wrong_password',
      'replayed_totp',
      'replayed_totp',
      'wrong_totp',
    ]);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entityId, admin.id));
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(stored!.totpSecret!);
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['auth.totp_enrolment_started', 'auth.totp_enable']),
    );

    // Turning it off takes a valid, unused code.
    const session = clientOf(early);
    const offWrong = await session.post('/api/v1/auth/totp/disable', {
      code: totpCode(secret, new Date(t.clock.now().getTime() + 10 * MINUTE)),
    });
    expect(offWrong.json().error.code).toBe('auth.totp_invalid');
    const off = await session.post('/api/v1/auth/totp/disable', {
      code: totpCode(secret, t.clock.now()),
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().totpEnabled).toBe(false);
    expect((await t.db.select().from(users).where(eq(users.id, admin.id)))[0]).toMatchObject({
      totpSecret: null,
      totpEnabledAt: null,
    });
    expect(await auditOf(admin.id, 'auth.totp_disable')).toHaveLength(1);
    expect((await attempt(admin.username, TEST_PASSWORD, { ip })).statusCode).toBe(200);
    expect(
      (await session.post('/api/v1/auth/totp/disable', { code: '123456' })).json().error.code,
    ).toBe('auth.totp_not_enabled');
  });

  it("keeps the sealed secret out of the audit entries of an admin's edit of the user", async () => {
    const { organization } = await createInstitution(t.db);
    const admin = await createUser(t.db, organization.id, 'admin');
    const user = await createUser(t.db, organization.id, 'leader');
    const ip = newAddress();
    const userClient = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));
    const { secret } = (
      await userClient.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
    ).json() as {
      secret: string;
    };
    expect(
      (
        await userClient.post('/api/v1/auth/totp/confirm', {
          code: totpCode(secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(200);
    const [stored] = await t.db.select().from(users).where(eq(users.id, user.id));

    const adminClient = clientOf(await attempt(admin.username, TEST_PASSWORD, { ip }));
    const edited = await adminClient.patch(`/api/v1/users/${user.id}`, {
      displayName: '改名的领导',
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().totpEnabled).toBe(true);
    const [entry] = await auditOf(user.id, 'user.update');
    expect(entry!.after).toMatchObject({ displayName: '改名的领导' });
    const trail = JSON.stringify(
      await t.db.select().from(auditLog).where(eq(auditLog.entityId, user.id)),
    );
    expect(trail).not.toContain(stored!.totpSecret!);
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain('totpSecret');
  });

  it('counts wrong codes as failed sign-ins: five lock the account, and asking for the code does not reset the count', async () => {
    const { organization } = await createInstitution(t.db);
    const user = await createUser(t.db, organization.id, 'coordinator');
    const ip = newAddress();
    const client = clientOf(await attempt(user.username, TEST_PASSWORD, { ip }));
    const { secret } = (
      await client.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
    ).json() as { secret: string };
    expect(
      (await client.post('/api/v1/auth/totp/confirm', { code: totpCode(secret, t.clock.now()) }))
        .statusCode,
    ).toBe(200);
    t.clock.advance(60_000);

    const wrongCode = totpCode(secret, new Date(t.clock.now().getTime() + 10 * MINUTE));
    for (let failure = 0; failure < 4; failure++) {
      expect(
        (await attempt(user.username, TEST_PASSWORD, { ip, totpCode: wrongCode })).json().error
          .code,
      ).toBe('auth.totp_invalid');
      expect((await attempt(user.username, TEST_PASSWORD, { ip })).json().error.code).toBe(
        'auth.totp_required',
      );
    }
    const fifth = await attempt(user.username, TEST_PASSWORD, { ip, totpCode: wrongCode });
    expect(fifth.statusCode).toBe(423);
    const locked = await attempt(user.username, TEST_PASSWORD, {
      ip,
      totpCode: totpCode(secret, t.clock.now()),
    });
    expect(locked.json().error.code).toBe('auth.account_locked');
  });
});
