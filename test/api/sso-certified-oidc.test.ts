import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import type { Database } from '../../src/server/db/client';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { totpCode } from '../../src/server/modules/auth/totp';
import type { IdentityProviderView } from '../../src/shared/api/sso';
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

function jwksRequests(): number {
  return [...op.requests].filter(([path]) => path.includes('jwks')).reduce((n, [, c]) => n + c, 0);
}
