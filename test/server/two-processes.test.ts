import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDepartments } from '../../src/server/modules/departments/department.repository';
import { jobs } from '../../src/server/modules/jobs/job.table';
import { supervisionLog } from '../../src/server/modules/supervision/supervision.table';
import { users } from '../../src/server/modules/users/user.table';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { samplePdf } from '../support/evidence-files';
import { startS3Server } from '../support/s3-server';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process';
import { startSmtpServer } from '../support/supervision-receivers';
import { createInstitution, createUser, seedPlanFile, TEST_PASSWORD } from '../support/test-app';

/** A signed-in browser, seen from outside: the cookie and CSRF token it got from one process. */
interface Session {
  cookie: string;
  csrfToken: string;
}

async function signIn(base: string, username: string): Promise<Session> {
  const response = await fetch(`${base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = /luoshi_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('no session cookie');
  return { cookie, csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken };
}

function call(
  base: string,
  session: Session,
  pathname: string,
  init: { method?: string; body?: BodyInit; json?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    cookie: session.cookie,
    'x-csrf-token': session.csrfToken,
  };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${base}${pathname}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null),
  });
}

const fileForm = (name: string, bytes: Buffer) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return form;
};

/** Waits until `check` holds, polling; the app processes poll the job table on their own. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const s3Credentials = {
  accessKeyId: 'TWOPROCESSKEY',
  secretAccessKey: randomBytes(20).toString('base64'),
  region: 'us-east-1',
  bucket: 'luoshi-shared',
};

describe.each(['local', 's3'] as const)(
  'two app processes on one PostgreSQL, evidence in a %s store',
  (storeKind) => {
    let database: TestDatabase;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let s3: Awaited<ReturnType<typeof startS3Server>> | null = null;
    const scratch: string[] = [];
    let a: ServerProcess;
    let b: ServerProcess;
    let baseA: string;
    let baseB: string;

    beforeAll(async () => {
      database = await createTestDatabase();
      smtp = await startSmtpServer();
      const evidenceDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-evidence-shared-'));
      scratch.push(evidenceDir);
      const store: Record<string, string> =
        storeKind === 'local' ? { LUOSHI_EVIDENCE_DIR: evidenceDir } : {};
      if (storeKind === 's3') {
        s3 = await startS3Server(s3Credentials);
        Object.assign(store, {
          LUOSHI_EVIDENCE_STORE: 's3',
          LUOSHI_S3_ENDPOINT: s3.endpoint,
          LUOSHI_S3_REGION: s3Credentials.region,
          LUOSHI_S3_BUCKET: s3Credentials.bucket,
          LUOSHI_S3_ACCESS_KEY_ID: s3Credentials.accessKeyId,
          LUOSHI_S3_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
          LUOSHI_S3_FORCE_PATH_STYLE: 'true',
          LUOSHI_S3_PREFIX: 'evidence',
        });
      }
      const secretKey = randomBytes(32).toString('hex');
      const [portA, portB] = [await freePort(), await freePort()];
      const environment = async (port: number) => {
        const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-process-'));
        scratch.push(dataDir);
        return {
          ...store,
          DATABASE_URL: database.url,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          LUOSHI_SEED_FILE: 'none',
          LUOSHI_SECRET_KEY: secretKey,
          LUOSHI_SMTP_URL: smtp.url,
          LUOSHI_JOB_POLL_SECONDS: '0.2',
          LUOSHI_PUBLIC_URL: `http://127.0.0.1:${portA}`,
        };
      };
      [a, b] = await Promise.all([
        startServerProcess(await environment(portA)),
        startServerProcess(await environment(portB)),
      ]);
      baseA = `http://127.0.0.1:${portA}`;
      baseB = `http://127.0.0.1:${portB}`;
    }, 180_000);

    afterAll(async () => {
      const codes = await Promise.all([a?.stop(), b?.stop()]);
      await smtp?.close();
      await s3?.close();
      await database?.destroy();
      for (const directory of scratch) await rm(directory, { recursive: true, force: true });
      expect(codes).toEqual([0, 0]);
    }, 60_000);

    it('shares sessions, evidence files and background jobs, each job run once', async () => {
      const { organization } = await createInstitution(database.db);
      const coordinatorUser = await createUser(database.db, organization.id, 'coordinator');
      await database.db
        .update(users)
        .set({ email: 'office@two-processes.test' })
        .where(eq(users.id, coordinatorUser.id));

      // A session made on A is good on B: read there, and write there with A's CSRF token.
      const coordinator = await signIn(baseA, coordinatorUser.username);
      const onB = await call(baseB, coordinator, '/api/v1/auth/session');
      expect(onB.status).toBe(200);
      expect(await onB.text()).toContain(coordinatorUser.username);
      const imported = await call(baseB, coordinator, '/api/v1/imports/plan', {
        method: 'POST',
        body: fileForm('plan.txt', await readFile(seedPlanFile)),
      });
      expect(imported.status, await imported.clone().text()).toBe(201);

      // An evidence file uploaded through A downloads through B.
      const department = (await listDepartments(database.db, organization.id))[0]!;
      const liaisonUser = await createUser(database.db, organization.id, 'liaison', {
        departmentId: department.id,
      });
      const liaison = await signIn(baseA, liaisonUser.username);
      const bytes = samplePdf(`shared between processes ${storeKind}`);
      const uploaded = await call(baseA, liaison, '/api/v1/evidence', {
        method: 'POST',
        body: fileForm('minutes.pdf', bytes),
      });
      expect(uploaded.status, await uploaded.clone().text()).toBe(201);
      const { contentUrl } = (await uploaded.json()) as { contentUrl: string };
      const downloaded = await call(baseB, liaison, contentUrl);
      expect(downloaded.status).toBe(200);
      expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);
      if (s3) expect(s3.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);

      // Signing out on B ends the session on A.
      expect((await call(baseB, liaison, '/api/v1/auth/sign-out', { method: 'POST' })).status).toBe(
        204,
      );
      expect((await call(baseA, liaison, '/api/v1/auth/session')).status).toBe(401);
      expect((await call(baseA, coordinator, '/api/v1/auth/session')).status).toBe(200);

      // The organization now has a plan: both processes' schedules ask for today's sweep and this
      // week's digest; each is enqueued once and run once, by whichever process claims it.
      const supervisionJobs = () =>
        database.db
          .select()
          .from(jobs)
          .where(eq(jobs.organizationId, organization.id))
          .then((rows) => rows.filter((row) => row.kind.startsWith('supervision.')));
      // Today's sweep is due at 08:00 Beijing time and this week's digest at Monday's: before
      // then they wait. Once both are enqueued, make them due now, so that the test does not
      // depend on the time of day it runs (the 08:00 rule is supervision-sweep.test.ts's).
      await eventually(supervisionJobs, (rows) => rows.length === 2);
      await database.db
        .update(jobs)
        .set({ runAt: new Date() })
        .where(and(eq(jobs.organizationId, organization.id), eq(jobs.status, 'queued')));
      const finished = await eventually(
        supervisionJobs,
        (rows) => rows.length === 2 && rows.every((row) => row.status === 'done'),
      );
      expect(finished.map((row) => [row.kind, row.status, row.attempts]).sort()).toEqual([
        ['supervision.digestOrganization', 'done', 1],
        ['supervision.sweepOrganization', 'done', 1],
      ]);
      // A few more ticks of both processes change nothing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(
        (await supervisionJobs()).map((row) => [row.id, row.status, row.attempts]).sort(),
      ).toEqual(finished.map((row) => [row.id, row.status, row.attempts]).sort());
      const digestMails = smtp.mails.filter(
        (mail) =>
          mail.to.includes('office@two-processes.test') && mail.subject.startsWith('【督办周报】'),
      );
      expect(digestMails).toHaveLength(1);
      const digestLog = await database.db
        .select()
        .from(supervisionLog)
        .where(
          and(
            eq(supervisionLog.organizationId, organization.id),
            eq(supervisionLog.level, 'digest'),
            eq(supervisionLog.channel, 'email'),
          ),
        );
      expect(digestLog).toHaveLength(1);
      expect(a.output()).not.toMatch(/"level":50/);
      expect(b.output()).not.toMatch(/"level":50/);
    }, 180_000);
  },
);
