import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app';
import { createJobRunner, type JobRunner } from '../../src/server/modules/jobs/job.runner';
import { ManualClock } from '../../src/server/clock';
import { totpCode } from '../../src/server/modules/auth/totp';
import { loadConfig, type AppConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/client';
import {
  insertDepartments,
  listDepartments,
} from '../../src/server/modules/departments/department.repository';
import type { Department } from '../../src/server/modules/departments/department.table';
import { insertOrganization } from '../../src/server/modules/organizations/organization.repository';
import type { Organization } from '../../src/server/modules/organizations/organization.table';
import { hashPassword } from '../../src/server/modules/users/password';
import { insertUser } from '../../src/server/modules/users/user.repository';
import type { User } from '../../src/server/modules/users/user.table';
import type { Role } from '../../src/shared/roles';
import { createTestDatabase, type TestDatabase } from './database';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const seedPlanFile = path.join(
  projectRoot,
  'seeds/ciir-2024-teacher-quality-standard-plan.txt',
);

export interface TestApp {
  jobs: JobRunner;
  app: FastifyInstance;
  db: Database;
  database: TestDatabase;
  clock: ManualClock;
  config: AppConfig;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  // Evidence files of a test go to a temporary directory of its own, never under data/.
  const evidenceDir = overrides.evidenceDir ?? mkdtempSync(path.join(tmpdir(), 'luoshi-evidence-'));
  // Tests sign on many times a minute from one address: the anonymous limit has its own test.
  return {
    ...loadConfig({ LOG_LEVEL: 'silent' }, projectRoot),
    evidenceDir,
    anonymousRateLimit: 100_000,
    // The test's robots listen on loopback.
    outboundAllow: ['127.0.0.0/8', '::1/128'],
    ...overrides,
  };
}

/** Removes a test's temporary evidence directory (and only such a directory). */
export function removeTestEvidence(config: AppConfig): void {
  if (
    path.basename(config.evidenceDir).startsWith('luoshi-evidence-') &&
    config.evidenceDir.startsWith(tmpdir())
  )
    rmSync(config.evidenceDir, { recursive: true, force: true });
}

/** The real app on a fresh database, with a clock the test controls. */
export async function createTestApp(
  options: { clock?: ManualClock; config?: Partial<AppConfig> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = options.clock ?? new ManualClock('2024-04-22T02:00:00Z');
  const config = testConfig(options.config);
  // Jobs run only when a test says so (jobs.runDue()), never on a timer.
  const jobs = createJobRunner({ db: database.db, clock });
  const app = await buildApp(
    { db: database.db, clock, config, jobs, mailer: null },
    { logger: false },
  );
  return {
    app,
    jobs,
    db: database.db,
    database,
    clock,
    config,
    async close() {
      await app.close();
      await database.destroy();
      removeTestEvidence(config);
    },
  };
}

export const TEST_PASSWORD = 'Correct-Horse-9';

export interface Institution {
  organization: Organization;
  departments: Record<string, Department>;
}

/** An institution of its own for one test, with the departments it names. */
export async function createInstitution(
  db: Database,
  departments: { name: string; kind?: Department['kind']; aliases?: string[] }[] = [],
  name = `测试大学-${randomBytes(3).toString('hex')}`,
): Promise<Institution> {
  const organization = await insertOrganization(db, { name });
  const created = await insertDepartments(
    db,
    departments.map((department, position) => ({
      organizationId: organization.id,
      name: department.name,
      kind: department.kind ?? 'functional',
      aliases: department.aliases ?? [],
      position,
    })),
  );
  return {
    organization,
    departments: Object.fromEntries(created.map((department) => [department.name, department])),
  };
}

/** A user with a password already chosen (no forced change), unless told otherwise. */
export async function createUser(
  db: Database,
  organizationId: string,
  role: Role,
  options: {
    departmentId?: string;
    username?: string;
    password?: string;
    mustChangePassword?: boolean;
  } = {},
): Promise<User> {
  return insertUser(db, {
    organizationId,
    username: options.username ?? `${role}-${randomBytes(4).toString('hex')}`,
    displayName: `${role} user`,
    role,
    departmentId: options.departmentId ?? null,
    passwordHash: await hashPassword(options.password ?? TEST_PASSWORD),
    mustChangePassword: options.mustChangePassword ?? false,
  });
}

export interface SignedInClient {
  cookie: string;
  csrfToken: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function signIn(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<SignedInClient> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { username, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((candidate) => candidate.name === 'luoshi_session');
  if (!cookie) throw new Error('no session cookie');
  const csrfToken = (response.json() as { csrfToken: string }).csrfToken;
  const sessionCookie = `luoshi_session=${cookie.value}`;
  const request = (options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { cookie: sessionCookie, 'x-csrf-token': csrfToken, ...(options.headers ?? {}) },
    });
  return {
    cookie: sessionCookie,
    csrfToken,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) =>
      request({
        method: 'POST',
        url,
        ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      }),
    patch: (url, payload) =>
      request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'] }),
  };
}

/**
 * Turns two-step verification on for a signed-in client, as the 账号安全 page does (a security
 * admin must, before anything else); the session goes on. Returns the authenticator's secret.
 */
export async function enrolTotp(
  client: SignedInClient,
  clock: ManualClock,
  currentPassword = TEST_PASSWORD,
): Promise<string> {
  const started = await client.post('/api/v1/auth/totp/start', { currentPassword });
  if (started.statusCode !== 200)
    throw new Error(`TOTP enrolment failed: ${started.statusCode} ${started.body}`);
  const { secret } = started.json() as { secret: string };
  const confirmed = await client.post('/api/v1/auth/totp/confirm', {
    code: totpCode(secret, clock.now()),
  });
  if (confirmed.statusCode !== 200)
    throw new Error(`TOTP confirmation failed: ${confirmed.statusCode} ${confirmed.body}`);
  return secret;
}

/** A multipart/form-data body with one file, as a browser would send it. */
export function multipartFile(
  fileName: string,
  bytes: Buffer,
  field = 'file',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----luoshi${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, bytes, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * An institution of its own with the bundled plan imported by its coordinator: the plan's id,
 * its departments by name, and a signed-in liaison of any of them.
 */
export async function institutionWithSeedPlan(t: Pick<TestApp, 'app' | 'db'>) {
  const { organization } = await createInstitution(t.db);
  const coordinator = await signIn(
    t.app,
    (await createUser(t.db, organization.id, 'coordinator')).username,
  );
  const { payload, headers } = multipartFile('plan.txt', await readFile(seedPlanFile));
  const planId: string = (
    await coordinator.request({ method: 'POST', url: '/api/v1/imports/plan', payload, headers })
  ).json().planId;
  const departments = await listDepartments(t.db, organization.id);
  const idOf = (name: string) => departments.find((department) => department.name === name)!.id;
  const liaisonOf = async (name: string) =>
    signIn(
      t.app,
      (await createUser(t.db, organization.id, 'liaison', { departmentId: idOf(name) })).username,
    );
  return { organization, coordinator, planId, idOf, liaisonOf };
}
