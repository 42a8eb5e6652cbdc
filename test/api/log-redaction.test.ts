import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { ManualClock } from '../../src/server/clock';
import { redactText } from '../../src/server/http/log-redaction';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/test-app';

/** Issue 19 point 4: the request log holds no callback code, state or ticket, nor any other secret. */
let database: TestDatabase;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(
    {
      db: database.db,
      clock: new ManualClock('2025-03-03T01:00:00Z'),
      config: testConfig({ logLevel: 'trace' }),
      mailer: null,
    },
    { logStream: { write: (line: string) => void lines.push(line) } },
  );
});
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

const SECRETS = {
  code: 'oidc-code-S3CRET-1',
  state: 'oidc-state-S3CRET-2',
  ticket: 'ST-cas-ticket-S3CRET-3',
  password: 'Password-S3CRET-4',
  token: 'bearer-S3CRET-5',
};

describe('the request log', () => {
  it('redacts OIDC code and state, a CAS ticket, passwords and tokens from every URL and error it logs', async () => {
    const provider = randomUUID();
    await app.inject({
      method: 'GET',
      url: `/api/v1/sso/${provider}/oidc/callback?code=${SECRETS.code}&state=${SECRETS.state}`,
    });
    await app.inject({
      method: 'GET',
      url: `/api/v1/sso/${provider}/cas/callback?state=${SECRETS.state}&ticket=${SECRETS.ticket}`,
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'nobody-here', password: SECRETS.password },
    });
    await app.inject({
      method: 'GET',
      url: `/api/v1/auth/session?token=${SECRETS.token}`,
      headers: {
        authorization: `Bearer ${SECRETS.token}`,
        cookie: `luoshi_session=${SECRETS.token}`,
      },
    });
    const log = lines.join('');
    expect(log).toContain('/oidc/callback?code=[redacted]&state=[redacted]');
    expect(log).toContain('/cas/callback?state=[redacted]&ticket=[redacted]');
    for (const secret of Object.values(SECRETS)) expect(log).not.toContain(secret);
  });

  it('redacts secrets quoted in text: URL parameters, credentials in a URL, bearer tokens', () => {
    expect(
      redactText(
        'GET https://cas.example.edu.cn/cas/serviceValidate?service=https%3A%2F%2Fx&ticket=ST-1-abc failed',
      ),
    ).toBe(
      'GET https://cas.example.edu.cn/cas/serviceValidate?service=https%3A%2F%2Fx&ticket=[redacted] failed',
    );
    expect(redactText('postgres://luoshi:hunter2@db.local/luoshi')).toBe(
      'postgres://[redacted]@db.local/luoshi',
    );
    expect(redactText('authorization: Bearer eyJhbGciOi.x.y')).toBe(
      'authorization: Bearer [redacted]',
    );
    expect(redactText('/cb?CODE=1&State=2&error=access_denied')).toBe(
      '/cb?CODE=[redacted]&State=[redacted]&error=access_denied',
    );
  });
});
