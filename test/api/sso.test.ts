import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { totpCode } from '../../src/server/modules/auth/totp';
import { externalIdentities, identityProviders } from '../../src/server/modules/sso/sso.table';
import { users } from '../../src/server/modules/users/user.table';
import type { IdentityProviderView } from '../../src/shared/api/sso';
import { formatErrorMessage } from '../../src/shared/errors';
import {
  startCasServer,
  startOidcProvider,
  followSignOn,
  type CasServer,
  type OidcProvider,
} from '../support/sso-providers';
import {
  createInstitution,
  createTestApp,
  createUser,
  signIn,
  TEST_PASSWORD,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

let t: TestApp;
let cas: CasServer;
let oidc: OidcProvider;

beforeAll(async () => {
  t = await createTestApp();
  cas = await startCasServer({ user: 'nobody', attributes: {} });
  oidc = await startOidcProvider({
    clientId: 'luoshi',
    clientSecret: 'oidc-client-secret-7Qx',
    person: { sub: 'nobody', claims: {} },
    now: () => t.clock.now(),
  });
});
afterAll(async () => {
  await cas?.close();
  await oidc?.close();
  await t?.close();
});

/** An institution with its security admin signed in (with TOTP on), and two departments. */
async function institution() {
  const { organization, departments } = await createInstitution(t.db, [
    { name: '党委教师工作部', aliases: ['教师工作部'] },
    { name: '马克思主义学院', kind: 'teaching' },
  ]);
  const securityAdmin = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'security_admin')).username,
  );
  // A security admin must use two-step verification before anything else.
  const { secret } = (
    await securityAdmin.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
  ).json();
  expect(
    (
      await securityAdmin.post('/api/v1/auth/totp/confirm', {
        code: totpCode(secret, t.clock.now()),
      })
    ).statusCode,
  ).toBe(200);
  return { organization, departments, securityAdmin };
}

async function configure(
  client: SignedInClient,
  body: Record<string, unknown>,
): Promise<IdentityProviderView> {
  const response = await client.post('/api/v1/sso/config', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const casProvider = (version: '2.0' | '3.0', extra: Record<string, unknown> = {}) => ({
  kind: 'cas',
  displayName: '统一身份认证',
  casBaseUrl: cas.baseUrl,
  casVersion: version,
  ...extra,
});
const oidcProvider = (extra: Record<string, unknown> = {}) => ({
  kind: 'oidc',
  displayName: '校园账号',
  oidcIssuer: oidc.issuer,
  oidcClientId: oidc.clientId,
  oidcClientSecret: oidc.clientSecret,
  mapping: {
    campusId: 'preferred_username',
    displayName: 'name',
    email: 'email',
    department: 'department',
  },
  ...extra,
});

const signOn = (providerId: string) =>
  followSignOn(t.app, t.config.publicUrl, `/api/v1/sso/${providerId}/start`);

async function sessionOf(cookies: Map<string, string>) {
  const session = cookies.get('luoshi_session');
  if (!session) return null;
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/auth/session',
    headers: { cookie: `luoshi_session=${session}` },
  });
  return response.statusCode === 200 ? response.json() : null;
}

async function failuresOf(providerId: string) {
  const rows = await t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'sso.sign_in_failed'), eq(auditLog.entityId, providerId)))
    .orderBy(auditLog.id);
  return rows.map((row) => row.after as { code: string; reason?: string });
}

describe('CAS', () => {
  it('CAS 2.0 signs a local user in by campus id (any case) with the same session cookie, links and audits it', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'coordinator', {
      username: `T${Date.now()}A`,
    });
    const provider = await configure(securityAdmin, casProvider('2.0'));
    expect(provider.callbackUrl).toBe(
      `${t.config.publicUrl}/api/v1/sso/${provider.id}/cas/callback`,
    );
    cas.person = { user: local.username.toLowerCase(), attributes: {} };

    const result = await signOn(provider.id);
    expect(result.landing).toBe('/');
    // The service URL carries the attempt's state: a ticket is good only for the browser that started it.
    const service = new URL(result.visited[1]!).searchParams.get('service')!;
    expect(service).toMatch(
      new RegExp(`^${provider.callbackUrl.replace(/[.?]/g, '\\$&')}\\?state=[\\w-]{40,}$`),
    );
    const validation = cas.validations.at(-1)!;
    expect(validation).toMatchObject({ path: '/cas/serviceValidate', service });
    expect((await sessionOf(result.cookies))?.user).toMatchObject({
      id: local.id,
      role: 'coordinator',
    });
    expect(result.cookies.has('luoshi_sso')).toBe(false);

    const [link] = await t.db
      .select()
      .from(externalIdentities)
      .where(eq(externalIdentities.providerId, provider.id));
    expect(link).toMatchObject({
      userId: local.id,
      subject: local.username.toLowerCase(),
      organizationId: organization.id,
    });
    const signIns = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.sign_in'), eq(auditLog.entityId, local.id)));
    expect(signIns.map((entry) => entry.after)).toEqual([
      { secondFactor: null, method: 'cas', providerId: provider.id },
    ]);
  });

  it('CAS 3.0 with attributes creates a liaison in the department named by its attribute; the next sign-in reuses the link', async () => {
    const { organization, departments, securityAdmin } = await institution();
    const provider = await configure(
      securityAdmin,
      casProvider('3.0', {
        allowAccountCreation: true,
        defaultRole: 'liaison',
        mapping: {
          campusId: 'employeeNumber',
          displayName: 'cn',
          email: 'mail',
          department: 'deptName',
        },
      }),
    );
    const campusId = `E${Date.now()}`;
    cas.person = {
      user: 'zhangsan',
      attributes: {
        employeeNumber: [campusId],
        cn: ['张三'],
        mail: ['zhangsan@example.edu.cn'],
        deptName: ['示范大学/教师工作部'],
        memberOf: ['a', 'b'],
      },
    };

    const first = await signOn(provider.id);
    expect(first.landing).toBe('/');
    expect(cas.validations.at(-1)!.path).toBe('/cas/p3/serviceValidate');
    const session = await sessionOf(first.cookies);
    expect(session.user).toMatchObject({
      username: campusId,
      displayName: '张三',
      role: 'liaison',
      departmentId: departments['党委教师工作部']!.id,
      email: 'zhangsan@example.edu.cn',
      mustChangePassword: false,
    });
    expect(session.organization.id).toBe(organization.id);
    const created = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'user.create'), eq(auditLog.organizationId, organization.id)));
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created[0]!.after)).not.toContain('passwordHash');

    const second = await signOn(provider.id);
    expect((await sessionOf(second.cookies)).user.id).toBe(session.user.id);
    expect(
      await t.db.select().from(users).where(eq(users.organizationId, organization.id)),
    ).toHaveLength(2);
  });

  it('two first sign-ins of the same person at once make one account', async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await configure(
      securityAdmin,
      casProvider('3.0', { allowAccountCreation: true, defaultRole: 'leader' }),
    );
    cas.person = { user: `twice${Date.now()}`, attributes: { name: ['赵老师'] } };
    const [one, other] = await Promise.all([signOn(provider.id), signOn(provider.id)]);
    expect([one.landing, other.landing]).toEqual(['/', '/']);
    expect((await sessionOf(one.cookies)).user.id).toBe((await sessionOf(other.cookies)).user.id);
    expect(
      await t.db
        .select()
        .from(users)
        .where(and(eq(users.organizationId, organization.id), eq(users.role, 'leader'))),
    ).toHaveLength(1);
  });

  it('refuses a forged ticket, a replayed one, and a callback this browser did not start; nobody is signed in', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader');
    const provider = await configure(securityAdmin, casProvider('2.0'));
    cas.person = { user: local.username, attributes: {} };
    const good = await signOn(provider.id);
    expect(good.landing).toBe('/');
    const usedCallback = good.visited.find((url) => url.includes('ticket='))!;

    // A new attempt in this browser, but the ticket of the first sign-in.
    const replayed = await followSignOn(
      t.app,
      t.config.publicUrl,
      usedCallback,
      (await startOnly(provider.id)).cookies,
    );
    expect(replayed.landing).toBe('/?ssoError=sso.state_invalid');
    expect(await sessionOf(replayed.cookies)).toBeNull();

    // A ticket issued to another browser's state, brought with this browser's state: CAS refuses the service.
    const other = await startOnly(provider.id);
    const issued = await fetch(other.location, { redirect: 'manual' });
    const once = issued.headers.get('location')!;
    const mine = await startOnly(provider.id);
    const reused = await followSignOn(
      t.app,
      t.config.publicUrl,
      `${new URL(mine.location).searchParams.get('service')}&ticket=${new URL(once).searchParams.get('ticket')}`,
      mine.cookies,
    );
    expect(reused.landing).toBe('/?ssoError=sso.ticket_invalid');

    const forgedStart = await startOnly(provider.id);
    const forged = await followSignOn(
      t.app,
      t.config.publicUrl,
      `${new URL(forgedStart.location).searchParams.get('service')}&ticket=ST-forged`,
      forgedStart.cookies,
    );
    expect(forged.landing).toBe('/?ssoError=sso.ticket_invalid');

    // A fresh ticket, but no attempt cookie (the login was started elsewhere): refused before the ticket is used.
    const fresh = await fetch(
      `${cas.baseUrl}/login?service=${encodeURIComponent(provider.callbackUrl)}`,
      { redirect: 'manual' },
    );
    const foreign = await followSignOn(t.app, t.config.publicUrl, fresh.headers.get('location')!);
    expect(foreign.landing).toBe('/?ssoError=sso.state_invalid');
    expect(await sessionOf(foreign.cookies)).toBeNull();

    const reasons = (await failuresOf(provider.id)).map((after) => `${after.code} ${after.reason}`);
    expect(reasons).toEqual([
      'sso.state_invalid state_mismatch',
      // The CAS server repeats the ticket in its message: the audit log keeps the words, never the ticket.
      'sso.ticket_invalid INVALID_SERVICE: Ticket [redacted] does not match supplied service',
      'sso.ticket_invalid INVALID_TICKET: Ticket [redacted] not recognized',
      'sso.state_invalid no_attempt_cookie',
    ]);
    const ticket = new URL(once).searchParams.get('ticket')!;
    expect(JSON.stringify(await failuresOf(provider.id))).not.toContain(ticket);
  });

  it('says in Chinese that the campus account is not opened when no account matches and creation is off, creating nothing', async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await configure(securityAdmin, casProvider('3.0'));
    cas.person = { user: `stranger${Date.now()}`, attributes: {} };
    const result = await signOn(provider.id);
    expect(result.landing).toBe('/?ssoError=sso.no_account');
    expect(formatErrorMessage('sso.no_account', {}, 'zh-CN')).toBe(
      '您的统一身份认证账号尚未开通本系统，请联系党委教师工作部。',
    );
    expect(
      await t.db.select().from(users).where(eq(users.organizationId, organization.id)),
    ).toHaveLength(1);
    expect(
      await t.db
        .select()
        .from(externalIdentities)
        .where(eq(externalIdentities.providerId, provider.id)),
    ).toHaveLength(0);
    expect(await failuresOf(provider.id)).toEqual([
      expect.objectContaining({ code: 'sso.no_account', reason: 'no_matching_user' }),
    ]);
  });

  it('creates nothing for a liaison whose department is unknown', async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await configure(
      securityAdmin,
      casProvider('3.0', {
        allowAccountCreation: true,
        mapping: { campusId: '', displayName: 'cn', email: 'mail', department: 'deptName' },
      }),
    );
    cas.person = { user: `u${Date.now()}`, attributes: { deptName: ['不存在的学院'] } };
    expect((await signOn(provider.id)).landing).toBe('/?ssoError=sso.no_account');
    expect(
      await t.db.select().from(users).where(eq(users.organizationId, organization.id)),
    ).toHaveLength(1);
    expect((await failuresOf(provider.id))[0]!.reason).toBe('department_unknown');
  });

  it('refuses a disabled user', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader');
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, local.id));
    const provider = await configure(securityAdmin, casProvider('2.0'));
    cas.person = { user: local.username, attributes: {} };
    const result = await signOn(provider.id);
    expect(result.landing).toBe('/?ssoError=auth.account_disabled');
    expect(result.cookies.has('luoshi_session')).toBe(false);
    const refused = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.sign_in_failed'), eq(auditLog.entityId, local.id)));
    expect(refused.map((entry) => entry.after)).toEqual([
      { reason: 'disabled', method: 'cas', providerId: provider.id },
    ]);
  });

  it('keeps asking for the TOTP code of a user who turned two-step verification on', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'coordinator');
    const client = await signIn(t.app, local.username);
    const { secret } = (
      await client.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
    ).json();
    expect(
      (await client.post('/api/v1/auth/totp/confirm', { code: totpCode(secret, t.clock.now()) }))
        .statusCode,
    ).toBe(200);
    t.clock.advance(60_000);

    const provider = await configure(securityAdmin, casProvider('2.0'));
    cas.person = { user: local.username, attributes: {} };
    // An account with two-step verification is not reached by its name…
    expect((await signOn(provider.id)).landing).toBe('/?ssoError=sso.link_required');
    // …only through a link the security admin made, and the code is still asked.
    const linked = await securityAdmin.post(`/api/v1/sso/config/${provider.id}/links`, {
      userId: local.id,
      campusId: local.username,
    });
    expect(linked.statusCode, linked.body).toBe(201);
    const result = await signOn(provider.id);
    expect(result.landing).toBe('/?ssoStep=totp');
    expect(result.cookies.has('luoshi_session')).toBe(false);
    const attempt = `luoshi_sso=${result.cookies.get('luoshi_sso')}`;
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso/second-factor',
      headers: { cookie: attempt },
      payload: { totpCode: '000000' },
    });
    expect(wrong.json().error.code).toBe('auth.totp_invalid');
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso/second-factor',
      headers: { cookie: attempt },
      payload: { totpCode: totpCode(secret, t.clock.now()) },
    });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json().user.id).toBe(local.id);
    expect(right.cookies.find((cookie) => cookie.name === 'luoshi_session')?.value).toBeTruthy();
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso/second-factor',
      headers: { cookie: attempt },
      payload: { totpCode: totpCode(secret, t.clock.now()) },
    });
    expect(again.json().error.code).toBe('sso.state_invalid');
  });
});

describe('privileged accounts and browser binding (issue 19, points 12 and 13)', () => {
  it('never signs a campus identity in as an admin, security admin, auditor or overseer by its name (any case); the security admin links one by hand', async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await configure(securityAdmin, casProvider('2.0'));
    for (const role of ['admin', 'security_admin', 'auditor', 'overseer'] as const) {
      const account = await createUser(t.db, organization.id, role, {
        username: `Priv${role.replace('_', '')}${Date.now()}`,
      });
      cas.person = { user: account.username.toUpperCase(), attributes: {} };
      const result = await signOn(provider.id);
      expect(result.landing, role).toBe('/?ssoError=sso.link_required');
      expect(await sessionOf(result.cookies)).toBeNull();
    }
    expect(
      await t.db
        .select()
        .from(externalIdentities)
        .where(eq(externalIdentities.providerId, provider.id)),
    ).toHaveLength(0);
    expect((await failuresOf(provider.id)).map((after) => after.reason)).toEqual([
      'name_matches_protected_account:admin',
      'name_matches_protected_account:security_admin',
      'name_matches_protected_account:auditor',
      'name_matches_protected_account:overseer',
    ]);

    // Only the security admin links, and then the campus id signs in as that account.
    const auditor = await createUser(t.db, organization.id, 'auditor');
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const byAdmin = await admin.post(`/api/v1/sso/config/${provider.id}/links`, {
      userId: auditor.id,
      campusId: 'z20190001',
    });
    expect(byAdmin.statusCode).toBe(403);
    const link = await securityAdmin.post(`/api/v1/sso/config/${provider.id}/links`, {
      userId: auditor.id,
      campusId: 'z20190001',
    });
    expect(link.statusCode, link.body).toBe(201);
    cas.person = { user: 'z20190001', attributes: {} };
    const result = await signOn(provider.id);
    expect(result.landing).toBe('/');
    expect((await sessionOf(result.cookies))?.user).toMatchObject({ id: auditor.id });
    const other = await createUser(t.db, organization.id, 'leader');
    const taken = await securityAdmin.post(`/api/v1/sso/config/${provider.id}/links`, {
      userId: other.id,
      campusId: 'z20190001',
    });
    expect(taken.json().error.code).toBe('sso.link_taken');
  });

  it('a CAS ticket started in one browser cannot sign in another (login CSRF through a link)', async () => {
    const { organization, securityAdmin } = await institution();
    const attacker = await createUser(t.db, organization.id, 'leader');
    const provider = await configure(securityAdmin, casProvider('2.0'));
    cas.person = { user: attacker.username, attributes: {} };
    // The attacker starts a sign-in and stops at the callback link, with a fresh ticket.
    const attackerStart = await startOnly(provider.id);
    const trap = (await fetch(attackerStart.location, { redirect: 'manual' })).headers.get(
      'location',
    )!;
    expect(trap).toContain('ticket=');
    // The victim's browser has an attempt of its own (it opened the sign-in page and clicked the button).
    const victim = await startOnly(provider.id);
    const result = await followSignOn(t.app, t.config.publicUrl, trap, victim.cookies);
    expect(result.landing).toBe('/?ssoError=sso.state_invalid');
    expect(await sessionOf(result.cookies)).toBeNull();
    // The ticket was never sent for validation.
    expect(cas.validations.some((v) => trap.includes(v.ticket ?? '-'))).toBe(false);
  });
});

/** Only the first step: the attempt cookie this browser now holds. */
async function startOnly(providerId: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/sso/${providerId}/start` });
  expect(response.statusCode).toBe(302);
  return {
    cookies: new Map(response.cookies.map((cookie) => [cookie.name, cookie.value])),
    location: response.headers.location as string,
  };
}

describe('OpenID Connect', () => {
  it('links an existing user by a claim, with PKCE, state and nonce; client_secret_post, then basic', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader', {
      username: `W.Li${Date.now()}`,
    });
    const provider = await configure(securityAdmin, oidcProvider());
    expect(provider.callbackUrl).toBe(
      `${t.config.publicUrl}/api/v1/sso/${provider.id}/oidc/callback`,
    );
    oidc.person = {
      sub: 'f2b6c0de-1',
      claims: { preferred_username: local.username.toLowerCase(), name: '李老师' },
    };

    const { location } = await startOnly(provider.id);
    const authorize = new URL(location);
    expect(authorize.origin + authorize.pathname).toBe(`${oidc.issuer}/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'luoshi',
      redirect_uri: provider.callbackUrl,
      code_challenge_method: 'S256',
      scope: 'openid profile email',
    });
    expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);

    const result = await signOn(provider.id);
    expect(result.landing).toBe('/');
    expect((await sessionOf(result.cookies)).user.id).toBe(local.id);
    expect(oidc.tokenRequests.at(-1)!.clientAuth).toBe('client_secret_post');

    const update = await securityAdmin.patch(`/api/v1/sso/config/${provider.id}`, {
      version: provider.version,
      oidcTokenAuth: 'client_secret_basic',
    });
    expect(update.statusCode, update.body).toBe(200);
    expect((await signOn(provider.id)).landing).toBe('/');
    expect(oidc.tokenRequests.at(-1)!.clientAuth).toBe('client_secret_basic');
    const [link] = await t.db
      .select()
      .from(externalIdentities)
      .where(eq(externalIdentities.providerId, provider.id));
    expect(link).toMatchObject({ userId: local.id, subject: local.username.toLowerCase() });
  });

  it("refuses a callback whose state is not this browser's", async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader');
    const provider = await configure(securityAdmin, oidcProvider());
    oidc.person = { sub: 's-1', claims: { preferred_username: local.username } };
    const { cookies, location } = await startOnly(provider.id);
    const back = new URL((await fetch(location, { redirect: 'manual' })).headers.get('location')!);
    back.searchParams.set('state', 'someone-elses-state');
    const result = await followSignOn(t.app, t.config.publicUrl, back.toString(), cookies);
    expect(result.landing).toBe('/?ssoError=sso.state_invalid');
    expect(await sessionOf(result.cookies)).toBeNull();
    expect((await failuresOf(provider.id))[0]).toMatchObject({
      code: 'sso.state_invalid',
      reason: 'state_mismatch',
    });
  });

  it('refuses an id_token signed by another key, for another audience, expired, or of another sign-in', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader');
    const provider = await configure(securityAdmin, oidcProvider());
    oidc.person = { sub: 's-2', claims: { preferred_username: local.username } };
    const cases = [
      [{ foreignKey: true }, 'signature'],
      [{ audience: 'another-client' }, 'audience'],
      [{ expiresInSeconds: -120 }, 'expired'],
      [{ nonce: 'replayed-nonce' }, 'nonce'],
    ] as const;
    try {
      for (const [tampering] of cases) {
        oidc.tampering = tampering;
        const result = await signOn(provider.id);
        expect(result.landing).toBe('/?ssoError=sso.token_invalid');
        expect(await sessionOf(result.cookies)).toBeNull();
      }
    } finally {
      oidc.tampering = {};
    }
    expect((await failuresOf(provider.id)).map((after) => after.reason)).toEqual(
      cases.map(([, reason]) => reason),
    );
    expect((await signOn(provider.id)).landing).toBe('/');
  });

  it('refuses a wrong client secret at the token endpoint', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(t.db, organization.id, 'leader');
    const provider = await configure(
      securityAdmin,
      oidcProvider({ oidcClientSecret: 'not-the-secret' }),
    );
    oidc.person = { sub: 's-3', claims: { preferred_username: local.username } };
    expect((await signOn(provider.id)).landing).toBe('/?ssoError=sso.token_invalid');
  });
});

describe('configuration', () => {
  it('only the security admin changes it; the admin reads it; the secret is never answered and every change is audited', async () => {
    const { organization, securityAdmin } = await institution();
    const admin = await signIn(t.app, (await createUser(t.db, organization.id, 'admin')).username);
    const coordinator = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'coordinator')).username,
    );

    expect((await admin.post('/api/v1/sso/config', oidcProvider())).json().error.code).toBe(
      'auth.forbidden',
    );
    expect((await coordinator.get('/api/v1/sso/config')).statusCode).toBe(403);
    const incomplete = await securityAdmin.post('/api/v1/sso/config', {
      kind: 'oidc',
      displayName: '校园账号',
      oidcIssuer: oidc.issuer,
    });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().error).toMatchObject({
      code: 'sso.settings_incomplete',
      params: { fields: 'oidcClientId, oidcClientSecret' },
    });

    const created = await securityAdmin.post('/api/v1/sso/config', oidcProvider());
    expect(created.statusCode).toBe(201);
    const listed = await admin.get('/api/v1/sso/config');
    expect(listed.statusCode).toBe(200);
    for (const body of [created.body, listed.body]) expect(body).not.toContain(oidc.clientSecret);
    expect(listed.json()).toEqual([
      expect.objectContaining({ id: created.json().id, oidcClientSecretSet: true }),
    ]);
    const [stored] = await t.db
      .select()
      .from(identityProviders)
      .where(eq(identityProviders.id, created.json().id));
    expect(stored!.oidcClientSecret).toMatch(/^v1\./);
    expect(stored!.oidcClientSecret).not.toContain(oidc.clientSecret);

    const view: IdentityProviderView = created.json();
    const disabled = await securityAdmin.patch(`/api/v1/sso/config/${view.id}`, {
      version: view.version,
      enabled: false,
      oidcClientSecret: 'a-new-secret',
    });
    expect(disabled.json()).toMatchObject({ enabled: false, version: view.version + 1 });
    const stale = await securityAdmin.patch(`/api/v1/sso/config/${view.id}`, {
      version: view.version,
      displayName: '旧的',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'sso.version_conflict',
      current: { displayName: '校园账号', version: view.version + 1 },
    });
    expect(
      (
        await securityAdmin.patch(`/api/v1/sso/config/${view.id}`, {
          version: view.version + 1,
          defaultRole: 'admin',
        })
      ).statusCode,
    ).toBe(400);

    const audited = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'identity_provider'), eq(auditLog.entityId, view.id)));
    expect(audited.map((entry) => entry.action)).toEqual([
      'sso.provider_create',
      'sso.provider_update',
    ]);
    expect(JSON.stringify(audited)).not.toContain(oidc.clientSecret);
    expect(JSON.stringify(audited)).not.toContain('a-new-secret');
    expect(audited[1]!.after).toMatchObject({ enabled: false, clientSecretReplaced: true });

    // The sign-in page lists enabled providers only, to anyone.
    const buttons = await t.app.inject({ method: 'GET', url: '/api/v1/sso/providers' });
    expect(buttons.statusCode).toBe(200);
    expect(buttons.json().map((provider: { id: string }) => provider.id)).not.toContain(view.id);
    expect(
      (await followSignOn(t.app, t.config.publicUrl, `/api/v1/sso/${view.id}/start`)).landing,
    ).toBe('/?ssoError=sso.provider_not_found');
  });

  it('keeps organizations apart: another security admin cannot see or change a provider, and a provider signs in only its own users', async () => {
    const a = await institution();
    const b = await institution();
    const providerOfA = await configure(a.securityAdmin, casProvider('2.0'));
    const buttons = (await t.app.inject({ method: 'GET', url: '/api/v1/sso/providers' })).json();
    expect(buttons).toEqual(
      expect.arrayContaining([
        {
          id: providerOfA.id,
          kind: 'cas',
          displayName: '统一身份认证',
          organizationName: a.organization.name,
          startUrl: `/api/v1/sso/${providerOfA.id}/start`,
        },
      ]),
    );

    expect((await b.securityAdmin.get('/api/v1/sso/config')).json()).toEqual([]);
    const foreign = await b.securityAdmin.patch(`/api/v1/sso/config/${providerOfA.id}`, {
      version: 1,
      enabled: false,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('sso.provider_not_found');

    const userOfB = await createUser(t.db, b.organization.id, 'coordinator');
    cas.person = { user: userOfB.username, attributes: {} };
    const result = await signOn(providerOfA.id);
    expect(result.landing).toBe('/?ssoError=sso.no_account');
    expect(result.cookies.has('luoshi_session')).toBe(false);
  });
});

describe('测试登录 through CAS (issue 19, point 3)', () => {
  /** The security admin presses 测试登录; the browser follows with the admin's own session. */
  async function testSignIn(securityAdmin: SignedInClient, providerId: string) {
    const started = await securityAdmin.post(`/api/v1/sso/config/${providerId}/test`);
    expect(started.statusCode, started.body).toBe(200);
    const { location } = started.json() as { location: string };
    const attempt = started.cookies.find((cookie) => cookie.name === 'luoshi_sso')!;
    const cookies = new Map([
      ['luoshi_session', securityAdmin.cookie.split('=')[1]!],
      ['luoshi_sso', attempt.value],
    ]);
    return { ...(await followSignOn(t.app, t.config.publicUrl, location, cookies)), attempt };
  }

  it('tests a provider not yet enabled, names the protected account it will not reach by name, keeps no ticket, and is used once', async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await configure(securityAdmin, casProvider('3.0', { enabled: false }));
    // Not on the sign-in page, but the security admin may test it before turning it on.
    expect(
      ((await t.app.inject({ url: '/api/v1/sso/providers' })).json() as { id: string }[]).map(
        (button) => button.id,
      ),
    ).not.toContain(provider.id);
    const admin = await createUser(t.db, organization.id, 'admin', {
      username: `sysadm${Date.now()}`,
    });
    cas.person = { user: admin.username.toUpperCase(), attributes: { name: ['系统管理员'] } };
    const run = await testSignIn(securityAdmin, provider.id);
    const tests = (await securityAdmin.get(`/api/v1/sso/config/${provider.id}/tests`)).json();
    expect(run.landing).toBe(`/sign-on?ssoTest=${tests[0].id}`);
    expect(tests[0]).toMatchObject({
      outcome: 'refused',
      errorCode: 'sso.link_required',
      reason: 'name_matches_protected_account:admin',
      reasonText: `cas:user ${admin.username.toUpperCase()} names the admin account ${admin.username}, reached only by a link the security admin makes`,
      claims: { subject: admin.username.toUpperCase(), campusIdAttribute: 'cas:user' },
      wouldMatch: null,
    });
    expect(run.cookies.get('luoshi_session')).toBe(securityAdmin.cookie.split('=')[1]);
    const ticket = new URL(
      run.visited.find((url) => url.includes('ticket='))!,
      'http://x',
    ).searchParams.get('ticket')!;
    expect(JSON.stringify(tests)).not.toContain(ticket);

    // The same callback again (a replay of the test's redirect): the attempt was used up.
    const callback = run.visited.find((url) => url.includes('/cas/callback'))!;
    const replay = await followSignOn(
      t.app,
      t.config.publicUrl,
      callback,
      new Map([['luoshi_sso', run.attempt.value]]),
    );
    expect(replay.landing).toBe('/?ssoError=sso.provider_not_found');
    expect(
      (await securityAdmin.get(`/api/v1/sso/config/${provider.id}/tests`)).json(),
    ).toHaveLength(1);

    // Once linked, the same test passes and says the TOTP code would still be asked (the security admin's own).
    const self = (await securityAdmin.get('/api/v1/auth/session')).json().user;
    expect(
      (
        await securityAdmin.post(`/api/v1/sso/config/${provider.id}/links`, {
          userId: self.id,
          campusId: 'secadm-campus',
        })
      ).statusCode,
    ).toBe(201);
    cas.person = { user: 'secadm-campus', attributes: {} };
    // A minute later: the tests are listed newest first, and two at the same instant in either order.
    t.clock.advance(60_000);
    await testSignIn(securityAdmin, provider.id);
    const [passed] = (await securityAdmin.get(`/api/v1/sso/config/${provider.id}/tests`)).json();
    expect(passed).toMatchObject({
      outcome: 'ok',
      wouldMatch: { how: 'linked', userId: self.id, role: 'security_admin', asksTotp: true },
    });
    const [link] = await t.db
      .select()
      .from(externalIdentities)
      .where(eq(externalIdentities.providerId, provider.id));
    expect(link!.lastSignInAt).toBeNull();
  });
});
