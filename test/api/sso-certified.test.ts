import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import type { IdentityProviderView } from '../../src/shared/api/sso';
import { browse, startCertifiedProvider, type CertifiedProvider } from '../support/certified-oidc';
import {
  createInstitution,
  createTestApp,
  createUser,
  enrolTotp,
  signIn,
  type SignedInClient,
  type TestApp,
} from '../support/test-app';

/**
 * Issue 19, point 3: the app signs in against the certified `oidc-provider` (not a provider we
 * wrote) whichever algorithm it signs id_tokens with, and a refusal says exactly why.
 */
let t: TestApp;
let certified: CertifiedProvider;
let organizationId: string;
let securityAdmin: SignedInClient;
const configured = new Map<string, IdentityProviderView>();

const algorithms = ['RS256', 'PS256', 'ES256'] as const;

beforeAll(async () => {
  // The provider stamps tokens with the real time, so the app's clock starts at the real time too.
  t = await createTestApp({ clock: new ManualClock(new Date().toISOString()) });
  const { organization } = await createInstitution(t.db, [{ name: '教务处' }]);
  organizationId = organization.id;
  securityAdmin = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'security_admin')).username,
  );
  await enrolTotp(securityAdmin, t.clock);
  certified = await startCertifiedProvider(
    async (issuer) => {
      const clients = [];
      for (const alg of [...algorithms, 'short'] as const) {
        const clientId = `luoshi-${alg.toLowerCase()}`;
        const clientSecret = `secret-of-${clientId}-0123456789abcdef`;
        const response = await securityAdmin.post('/api/v1/sso/config', {
          kind: 'oidc',
          displayName: `校园账号 ${alg}`,
          oidcIssuer: issuer,
          oidcClientId: clientId,
          oidcClientSecret: clientSecret,
          mapping: { campusId: 'preferred_username', displayName: 'name', email: 'email' },
        });
        expect(response.statusCode, response.body).toBe(201);
        const view = response.json() as IdentityProviderView;
        configured.set(alg, view);
        clients.push({
          clientId,
          clientSecret,
          alg: alg === 'short' ? ('ES256' as const) : alg,
          redirectUri: view.callbackUrl,
          ...(alg === 'short' ? { idTokenSeconds: 30 } : {}),
        });
      }
      return clients;
    },
    { sub: 'campus-0001', claims: {} },
  );
}, 60_000);

afterAll(async () => {
  await certified?.close();
  await t?.close();
});

async function sessionUserOf(cookies: Map<string, string>) {
  const session = cookies.get('luoshi_session');
  if (!session) return null;
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/auth/session',
    headers: { cookie: `luoshi_session=${session}` },
  });
  return response.statusCode === 200 ? (response.json() as { user: { id: string } }).user : null;
}

async function refusalsOf(providerId: string) {
  const rows = await t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'sso.sign_in_failed'), eq(auditLog.entityId, providerId)));
  return rows.map((row) => row.after as { code: string; reason?: string });
}

describe('the certified oidc-provider (issue 19, point 3)', () => {
  it.each(algorithms)(
    'signs a local user in through the whole code flow with an id_token signed %s',
    async (alg) => {
      const local = await createUser(t.db, organizationId, 'coordinator', {
        username: `cert.${alg.toLowerCase()}.${Date.now()}`,
      });
      certified.person = {
        sub: `sub-${alg}`,
        claims: { preferred_username: local.username, name: '王老师' },
      };
      const provider = configured.get(alg)!;
      const run = await browse(t.app, t.config.publicUrl, `/api/v1/sso/${provider.id}/start`);
      expect(run.landing, run.visited.join('\n')).toBe('/');
      // It went through the provider's own pages: authorization, login and consent interactions.
      expect(run.visited.some((url) => url.startsWith(`${certified.issuer}/auth`))).toBe(true);
      expect(run.visited.some((url) => url.includes('/interaction/'))).toBe(true);
      expect((await sessionUserOf(run.appCookies))?.id).toBe(local.id);
      expect(await refusalsOf(provider.id)).toEqual([]);
    },
  );

  it('refuses an expired id_token and records exactly why; nobody is signed in', async () => {
    const local = await createUser(t.db, organizationId, 'coordinator', {
      username: `cert.expired.${Date.now()}`,
    });
    certified.person = { sub: 'sub-expired', claims: { preferred_username: local.username } };
    const provider = configured.get('short')!;
    const run = await browse(t.app, t.config.publicUrl, `/api/v1/sso/${provider.id}/start`, {
      // The id_token (30 s) is issued at the exchange; the app's clock is 5 minutes on by then
      // (the sign-in attempt itself lasts 10).
      beforeApp: (path) => {
        if (path.includes('/oidc/callback')) t.clock.advance(5 * 60_000);
      },
    });
    expect(run.landing).toBe('/?ssoError=sso.token_invalid');
    expect(run.appCookies.has('luoshi_session')).toBe(false);
    expect(await refusalsOf(provider.id)).toEqual([
      expect.objectContaining({ code: 'sso.token_invalid', reason: 'expired' }),
    ]);
  });

  /** The security admin's test sign-in, as the 统一身份认证 page runs it: the POST, then the browser. */
  async function testSignIn(providerId: string, beforeApp?: (path: string) => void) {
    const started = await securityAdmin.post(`/api/v1/sso/config/${providerId}/test`);
    expect(started.statusCode, started.body).toBe(200);
    const attempt = started.cookies.find((cookie) => cookie.name === 'luoshi_sso');
    const appCookies = new Map([
      ['luoshi_session', securityAdmin.cookie.split('=')[1]!],
      ['luoshi_sso', attempt!.value],
    ]);
    const { location } = started.json() as { location: string };
    const run = await browse(t.app, t.config.publicUrl, location, {
      appCookies,
      ...(beforeApp ? { beforeApp } : {}),
    });
    const results = await securityAdmin.get(`/api/v1/sso/config/${providerId}/tests`);
    expect(results.statusCode, results.body).toBe(200);
    return { run, results: results.json() as Record<string, unknown>[] };
  }

  it("the security admin's test sign-in shows who the provider vouched for, signing nobody in", async () => {
    certified.person = {
      sub: 'sub-test',
      claims: { preferred_username: 'zhang.san', name: '张三', email: 'zs@example.edu.cn' },
    };
    const provider = configured.get('PS256')!;
    const before = await sessionUserOf(
      new Map([['luoshi_session', securityAdmin.cookie.split('=')[1]!]]),
    );
    const { run, results } = await testSignIn(provider.id);
    expect(run.landing).toBe(`/sign-on?tested=${provider.id}`);
    expect(results[0]).toMatchObject({
      outcome: 'vouched',
      code: null,
      identity: {
        subject: 'sub-test',
        campusId: 'zhang.san',
        displayName: '张三',
        email: 'zs@example.edu.cn',
      },
    });
    // Still the security admin's own session; no campus account was opened or linked.
    expect((await sessionUserOf(run.appCookies))?.id).toBe(before?.id);
    expect(run.appCookies.has('luoshi_sso')).toBe(false);
  });

  it('a refused test sign-in shows the security admin the exact reason (expired), kept for them alone', async () => {
    certified.person = { sub: 'sub-test-2', claims: { preferred_username: 'li.si' } };
    const provider = configured.get('short')!;
    const { run, results } = await testSignIn(provider.id, (path) => {
      if (path.includes('/oidc/callback')) t.clock.advance(5 * 60_000);
    });
    expect(run.landing).toBe(`/sign-on?tested=${provider.id}`);
    expect(results[0]).toMatchObject({
      outcome: 'refused',
      code: 'sso.token_invalid',
      reason: 'expired',
      identity: null,
    });
    // Another security admin of the organization does not see this one's tests; the admin cannot run one.
    const other = await signIn(
      t.app,
      (await createUser(t.db, organizationId, 'security_admin')).username,
    );
    await enrolTotp(other, t.clock);
    expect((await other.get(`/api/v1/sso/config/${provider.id}/tests`)).json()).toEqual([]);
    const admin = await signIn(t.app, (await createUser(t.db, organizationId, 'admin')).username);
    expect((await admin.post(`/api/v1/sso/config/${provider.id}/test`)).statusCode).toBe(403);
    const audited = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'sso.test_sign_in'), eq(auditLog.entityId, provider.id)));
    expect(audited.map((entry) => entry.after)).toEqual([
      expect.objectContaining({ outcome: 'refused', code: 'sso.token_invalid', reason: 'expired' }),
    ]);
  });
});
