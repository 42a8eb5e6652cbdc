import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import type { Database } from '../../src/server/db/client';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { sessions } from '../../src/server/modules/auth/session.table';
import { externalIdentities } from '../../src/server/modules/sso/sso.table';
import { users } from '../../src/server/modules/users/user.table';
import { totpCode } from '../../src/server/modules/auth/totp';
import type { IdentityProviderView, SsoTestSignInView } from '../../src/shared/api/sso';
import {
  startCertifiedOidcProvider,
  type CertifiedClient,
  type CertifiedOidcProvider,
} from '../support/certified-oidc-provider';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { followSignOn } from '../support/sso-providers';
import {
  createInstitution,
  createUser,
  signIn,
  testConfig,
  TEST_PASSWORD,
  type SignedInClient,
} from '../support/test-app';

/**
 * Issue 19 point 3: Luoshi signs in through the certified `oidc-provider` whatever a client's
 * id_tokens are signed with (RS256, PS256, ES256), fetching the provider's keys once; and (point 2)
 * a refused sign-in leaves its reason in the server log, without the code, state or any token.
 */
let database: TestDatabase;
let db: Database;
let app: FastifyInstance;
let op: CertifiedOidcProvider;
const config = testConfig({ logLevel: 'info' });
const lines: string[] = [];
// oidc-provider dates its tokens by the real clock; the app's clock starts at the same instant.
const clock = new ManualClock(new Date());

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  app = await buildApp(
    { db, clock, config, mailer: null },
    { logStream: { write: (line: string) => void lines.push(line) } },
  );
  op = await startCertifiedOidcProvider({
    sub: 'nobody',
    claims: { preferred_username: 'nobody' },
  });
});
afterAll(async () => {
  await op?.close();
  await app?.close();
  await database?.destroy();
});

async function institution() {
  const { organization } = await createInstitution(db, [{ name: '党委教师工作部' }]);
  const securityAdmin = await signIn(
    app,
    (await createUser(db, organization.id, 'security_admin')).username,
  );
  const { secret } = (
    await securityAdmin.post('/api/v1/auth/totp/start', { currentPassword: TEST_PASSWORD })
  ).json();
  const confirmed = await securityAdmin.post('/api/v1/auth/totp/confirm', {
    code: totpCode(secret, clock.now()),
  });
  expect(confirmed.statusCode).toBe(200);
  return { organization, securityAdmin };
}

let clients = 0;
async function providerFor(
  securityAdmin: SignedInClient,
  idTokenAlg: CertifiedClient['idTokenAlg'],
  tokenAuth: CertifiedClient['tokenAuth'] = 'client_secret_post',
): Promise<IdentityProviderView> {
  clients += 1;
  const clientId = `luoshi-${idTokenAlg.toLowerCase()}-${clients}`;
  const clientSecret = `secret-${clientId}-0123456789abcdef0123456789abcdef`;
  const response = await securityAdmin.post('/api/v1/sso/config', {
    kind: 'oidc',
    displayName: `校园账号 ${idTokenAlg}`,
    oidcIssuer: op.issuer,
    oidcClientId: clientId,
    oidcClientSecret: clientSecret,
    oidcTokenAuth: tokenAuth,
    mapping: { campusId: 'preferred_username', displayName: 'name', email: 'email' },
  });
  expect(response.statusCode, response.body).toBe(201);
  const provider = response.json() as IdentityProviderView;
  op.addClient({
    clientId,
    clientSecret,
    redirectUri: provider.callbackUrl,
    idTokenAlg,
    tokenAuth,
  });
  return provider;
}

const signOn = (providerId: string) =>
  followSignOn(app, config.publicUrl, `/api/v1/sso/${providerId}/start`);

async function sessionOf(cookies: Map<string, string>) {
  const session = cookies.get('luoshi_session');
  if (!session) return null;
  const response = await app.inject({
    method: 'GET',
    url: '/api/v1/auth/session',
    headers: { cookie: `luoshi_session=${session}` },
  });
  return response.statusCode === 200 ? response.json() : null;
}

describe('the certified oidc-provider', () => {
  it('signs in with id_tokens signed RS256, PS256 and ES256, and fetches the JWKS once', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(db, organization.id, 'coordinator', {
      username: `cert${Date.now()}`,
    });
    op.person = {
      sub: `sub-${local.username}`,
      claims: { preferred_username: local.username, name: '张老师' },
    };
    const jwksBefore = jwksRequests();
    const algsBefore = op.idTokenAlgs.length;
    for (const [alg, tokenAuth] of [
      ['RS256', 'client_secret_post'],
      ['PS256', 'client_secret_basic'],
      ['ES256', 'client_secret_post'],
    ] as const) {
      const provider = await providerFor(securityAdmin, alg, tokenAuth);
      for (let round = 0; round < 2; round += 1) {
        const result = await signOn(provider.id);
        expect(result.landing, `${alg}: ${result.visited.join(' → ')}`).toBe('/');
        const session = await sessionOf(result.cookies);
        expect(session?.user?.username).toBe(local.username);
      }
    }
    expect(op.idTokenAlgs.slice(algsBefore)).toEqual([
      'RS256',
      'RS256',
      'PS256',
      'PS256',
      'ES256',
      'ES256',
    ]);
    // Six sign-ins through three clients of one provider: its keys were fetched once.
    expect(jwksRequests() - jwksBefore).toBe(1);
    const discovery = op.requests.get('/.well-known/openid-configuration') ?? 0;
    expect(discovery).toBe(1);
  });

  it('logs why a sign-in was refused, without the code, state or any token (point 2)', async () => {
    const { securityAdmin } = await institution();
    const provider = await providerFor(securityAdmin, 'ES256');
    // A campus identity with no matching account, and creating accounts is off.
    op.person = { sub: 'sub-stranger', claims: { preferred_username: `stranger${Date.now()}` } };
    const from = lines.length;
    const result = await signOn(provider.id);
    expect(result.landing).toBe('/?ssoError=sso.no_account');
    expect(await sessionOf(result.cookies)).toBeNull();

    const logged = lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    const refusal = logged.find((entry) => entry.msg === 'campus sign-on refused');
    expect(refusal, lines.slice(from).join('\n')).toMatchObject({
      code: 'sso.no_account',
      reason: 'no_matching_user',
      providerId: provider.id,
    });
    // The callback's code and state, and the attempt's cookie, appear nowhere in the log.
    const callback = new URL(result.visited.find((url) => url.includes('/oidc/callback'))!);
    const secrets = [callback.searchParams.get('code')!, callback.searchParams.get('state')!];
    expect(secrets.every((secret) => secret.length > 10)).toBe(true);
    for (const secret of secrets) expect(lines.slice(from).join('\n')).not.toContain(secret);

    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'sso.sign_in_failed'), eq(auditLog.entityId, provider.id)));
    expect(audited.map((row) => (row.after as { reason?: string }).reason)).toEqual([
      'no_matching_user',
    ]);
  });
});

/**
 * 测试登录 (issue 19 point 3): the security admin's test sign-in runs every check a sign-in runs
 * against the certified provider, signs nobody in, and records the claims and the account it would
 * reach, or the exact reason it was refused.
 */
describe('a test sign-in through the certified oidc-provider', () => {
  /** Presses 测试登录 and follows the browser through the provider and back, with the admin's own session. */
  async function testSignIn(securityAdmin: SignedInClient, providerId: string) {
    const started = await securityAdmin.post(`/api/v1/sso/config/${providerId}/test`);
    expect(started.statusCode, started.body).toBe(200);
    const answer = started.json() as { kind: string; location?: string; testId?: string };
    const adminSession = securityAdmin.cookie.split('=')[1]!;
    const cookies = new Map<string, string>([['luoshi_session', adminSession]]);
    if (answer.kind === 'finished') return { answer, landing: null, cookies, adminSession };
    const attempt = started.cookies.find((cookie) => cookie.name === 'luoshi_sso');
    expect(attempt?.value).toBeTruthy();
    cookies.set('luoshi_sso', attempt!.value);
    const result = await followSignOn(app, config.publicUrl, answer.location!, cookies);
    return {
      answer,
      landing: result.landing,
      cookies: result.cookies,
      visited: result.visited,
      adminSession,
    };
  }

  async function results(securityAdmin: SignedInClient, providerId: string) {
    const response = await securityAdmin.get(`/api/v1/sso/config/${providerId}/tests`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as SsoTestSignInView[];
  }

  it('shows the claims and the account it would sign in as, and signs nobody in', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(db, organization.id, 'coordinator', {
      username: `tst${Date.now()}`,
    });
    op.person = {
      sub: `sub-${local.username}`,
      claims: { preferred_username: local.username, name: '王老师', email: 'wang@example.edu.cn' },
    };
    const provider = await providerFor(securityAdmin, 'RS256');
    const sessionsBefore = await db.select().from(sessions);

    const run = await testSignIn(securityAdmin, provider.id);
    expect(run.answer.kind).toBe('redirect');
    const [result] = await results(securityAdmin, provider.id);
    expect(run.landing).toBe(`/sign-on?ssoTest=${result!.id}`);
    expect(result).toMatchObject({
      outcome: 'ok',
      errorCode: null,
      reasonText: null,
      claims: {
        subject: `sub-${local.username}`,
        campusIdAttribute: 'preferred_username',
        campusId: local.username,
        displayName: '王老师',
        email: 'wang@example.edu.cn',
      },
      wouldMatch: {
        how: 'username',
        userId: local.id,
        username: local.username,
        role: 'coordinator',
        asksTotp: false,
      },
    });
    expect(result!.claims!.attributeNames).toContain('nonce');

    // Nobody signed in: the browser keeps the admin's own session, no session was opened, no link
    // made, and the account's last sign-in is untouched.
    expect(run.cookies.get('luoshi_session')).toBe(run.adminSession);
    expect(run.cookies.has('luoshi_sso')).toBe(false);
    expect((await db.select().from(sessions)).length).toBe(sessionsBefore.length);
    const [after] = await db.select().from(users).where(eq(users.id, local.id));
    expect(after!.lastSignInAt).toBeNull();
    expect(
      await db
        .select()
        .from(externalIdentities)
        .where(eq(externalIdentities.providerId, provider.id)),
    ).toEqual([]);
    // No token, code or state is kept in the record.
    const callback = new URL(run.visited!.find((url) => url.includes('/oidc/callback'))!);
    const stored = JSON.stringify(result);
    for (const secret of [callback.searchParams.get('code')!, callback.searchParams.get('state')!])
      expect(stored).not.toContain(secret);

    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'sso.test_sign_in'), eq(auditLog.entityId, provider.id)));
    expect(audited.map((row) => [row.actorName, row.after])).toEqual([
      [
        expect.any(String),
        expect.objectContaining({
          testId: result!.id,
          outcome: 'ok',
          wouldSignInAs: local.username,
        }),
      ],
    ]);
    expect(audited[0]!.actorUserId).not.toBeNull();

    // A real sign-in afterwards still works, and only then is the account linked and signed in.
    const real = await signOn(provider.id);
    expect(real.landing).toBe('/');
    expect((await sessionOf(real.cookies))?.user?.username).toBe(local.username);
  });

  it('records the exact reason of a refusal: an algorithm not allowed, no matching account, another issuer', async () => {
    const { organization, securityAdmin } = await institution();
    const local = await createUser(db, organization.id, 'coordinator', {
      username: `alg${Date.now()}`,
    });
    op.person = { sub: `sub-${local.username}`, claims: { preferred_username: local.username } };

    // The provider signs this client's id_tokens with HS256 (the client secret): refused by jose.
    const hmac = await providerFor(securityAdmin, 'HS256');
    const algsBefore = op.idTokenAlgs.length;
    const refusedAlg = await testSignIn(securityAdmin, hmac.id);
    expect(op.idTokenAlgs.slice(algsBefore)).toEqual(['HS256']);
    const [algResult] = await results(securityAdmin, hmac.id);
    expect(refusedAlg.landing).toBe(`/sign-on?ssoTest=${algResult!.id}`);
    expect(algResult).toMatchObject({
      outcome: 'refused',
      errorCode: 'sso.token_invalid',
      reason: 'algorithm',
      reasonParams: { alg: 'HS256' },
      claims: null,
      wouldMatch: null,
    });
    expect(algResult!.reasonText).toMatch(/^id_token alg HS256 not allowed \(allowed: RS256, /);
    expect(refusedAlg.cookies.get('luoshi_session')).toBe(refusedAlg.adminSession);

    // A campus id no account matches, and creating accounts is off.
    const rs = await providerFor(securityAdmin, 'ES256');
    const stranger = `2024${Date.now() % 100000}`;
    op.person = { sub: 'sub-stranger', claims: { preferred_username: stranger } };
    await testSignIn(securityAdmin, rs.id);
    const [noAccount] = await results(securityAdmin, rs.id);
    expect(noAccount).toMatchObject({
      outcome: 'refused',
      errorCode: 'sso.no_account',
      reason: 'no_matching_user',
      reasonText: `no account matches preferred_username ${stranger}, and creating accounts at first sign-in is off`,
      reasonParams: { attribute: 'preferred_username', campusId: stranger },
      claims: { subject: 'sub-stranger', campusId: stranger },
      wouldMatch: null,
    });
    expect(await db.select().from(users).where(eq(users.username, stranger))).toEqual([]);

    // The security admin typed another issuer than the provider's own: the test ends at once, saying both.
    const port = new URL(op.issuer).port;
    const typo = await securityAdmin.post('/api/v1/sso/config', {
      kind: 'oidc',
      displayName: '写错的 Issuer',
      oidcIssuer: `http://localhost:${port}`,
      oidcClientId: 'luoshi-typo',
      oidcClientSecret: 'secret-typo-0123456789abcdef0123456789abcdef',
      mapping: { campusId: 'preferred_username' },
    });
    expect(typo.statusCode, typo.body).toBe(201);
    const typoId = (typo.json() as IdentityProviderView).id;
    const ended = await testSignIn(securityAdmin, typoId);
    expect(ended.answer.kind).toBe('finished');
    const [issuerResult] = await results(securityAdmin, typoId);
    expect(ended.answer.testId).toBe(issuerResult!.id);
    expect(issuerResult).toMatchObject({
      outcome: 'refused',
      errorCode: 'sso.provider_unreachable',
      reason: 'discovery_issuer',
      reasonParams: { expected: `http://localhost:${port}`, got: op.issuer },
    });
    expect(issuerResult!.reasonText).toContain(
      `iss mismatch: expected http://localhost:${port} got ${op.issuer}`,
    );

    // Newest first, and each test audited with its outcome.
    const audited = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'sso.test_sign_in'), eq(auditLog.organizationId, organization.id)),
      )
      .orderBy(auditLog.id);
    expect(audited.map((row) => (row.after as { code?: string }).code)).toEqual([
      'sso.token_invalid',
      'sso.no_account',
      'sso.provider_unreachable',
    ]);
  });

  it("is the security admin's alone", async () => {
    const { organization, securityAdmin } = await institution();
    const provider = await providerFor(securityAdmin, 'RS256');
    for (const role of ['admin', 'coordinator', 'auditor'] as const) {
      const other = await signIn(app, (await createUser(db, organization.id, role)).username);
      const start = await other.post(`/api/v1/sso/config/${provider.id}/test`);
      expect(start.statusCode, role).toBe(403);
      expect(start.cookies.find((cookie) => cookie.name === 'luoshi_sso')).toBeUndefined();
      expect((await other.get(`/api/v1/sso/config/${provider.id}/tests`)).statusCode, role).toBe(
        403,
      );
    }
    // Another organization's security admin does not find the provider.
    const elsewhere = await institution();
    expect(
      (await elsewhere.securityAdmin.post(`/api/v1/sso/config/${provider.id}/test`)).statusCode,
    ).toBe(404);
  });
});

function jwksRequests(): number {
  return [...op.requests].filter(([path]) => path.includes('jwks')).reduce((n, [, c]) => n + c, 0);
}
