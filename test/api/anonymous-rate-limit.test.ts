import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsEqual } from '../../src/server/http/secrets-equal';
import {
  createInstitution,
  createTestApp,
  createUser,
  projectRoot,
  signIn,
  type TestApp,
} from '../support/test-app';

/** Issue 19 point 7: constant-time secret comparisons; a limit on every public endpoint that does work. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { anonymousRateLimit: 10 } });
});
afterAll(async () => t?.close());

const get = (url: string, ip: string) => t.app.inject({ method: 'GET', url, remoteAddress: ip });

describe('anonymous callers are rate-limited on every public endpoint', () => {
  it('answers request.rate_limited after the limit from one address, on the sign-on steps and the provider list alike; other addresses and signed-in calls go on', async () => {
    const ip = '10.7.0.1';
    const urls = [
      '/api/v1/sso/providers',
      `/api/v1/sso/${randomUUID()}/start`,
      `/api/v1/sso/${randomUUID()}/cas/callback?ticket=ST-1`,
      `/api/v1/sso/${randomUUID()}/oidc/callback?code=x&state=y`,
      '/api/v1/health',
    ];
    const statuses: number[] = [];
    for (let index = 0; index < 10; index += 1)
      statuses.push((await get(urls[index % urls.length]!, ip)).statusCode);
    expect(statuses.every((status) => status !== 429)).toBe(true);
    for (const url of urls) {
      const limited = await t.app.inject({
        method: 'GET',
        url,
        remoteAddress: ip,
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(limited.statusCode, url).toBe(429);
      expect(limited.json().error).toMatchObject({
        code: 'request.rate_limited',
        message: '请求太频繁，请稍后再试。',
      });
    }
    const secondFactor = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso/second-factor',
      remoteAddress: ip,
      payload: { totpCode: '123456' },
    });
    expect(secondFactor.statusCode).toBe(429);
    expect((await get('/api/v1/sso/providers', '10.7.0.2')).statusCode).toBe(200);

    // Signed-in work is not limited by this (a session is the caller's identity).
    const { organization } = await createInstitution(t.db);
    const client = await signIn(
      t.app,
      (await createUser(t.db, organization.id, 'leader')).username,
    );
    for (let index = 0; index < 15; index += 1)
      expect((await client.get('/api/v1/auth/session')).statusCode).toBe(200);
  });
});

describe('secret comparisons', () => {
  it('compares in constant time: equal, different, different lengths, empty', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
    expect(secretsEqual('', 'x')).toBe(false);
  });

  it('the CSRF token, SSO states and TOTP codes are compared with timingSafeEqual, never with === or !==', () => {
    const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
    expect(read('src/server/http/access-control.ts')).toMatch(/secretsEqual\(header, expected\)/);
    expect(read('src/server/http/access-control.ts')).not.toMatch(/[!=]==\s*signedIn\.csrfToken/);
    const sso = read('src/server/modules/sso/sso.service.ts');
    expect(sso).not.toMatch(/state\s*[!=]==|[!=]==\s*attemptToken|nonce\s*[!=]==/);
    expect(read('src/server/modules/auth/totp.ts')).toMatch(/timingSafeEqual/);
  });
});
