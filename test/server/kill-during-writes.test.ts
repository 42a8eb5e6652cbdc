import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock';
import { stopAbandonedServer } from '../../src/server/db/embedded';
import { systemActor } from '../../src/server/modules/auth/actor';
import { auditLog } from '../../src/server/modules/audit/audit.table';
import { measures } from '../../src/server/modules/breakdowns/breakdown.table';
import { listDepartments } from '../../src/server/modules/departments/department.repository';
import { createPlanImportService } from '../../src/server/modules/imports/plan-import.service';
import type { BreakdownView } from '../../src/shared/api/breakdowns';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  createInstitution,
  createUser,
  projectRoot,
  seedPlanFile,
  TEST_PASSWORD,
} from '../support/test-app';

/**
 * Nothing lost (issue 5, point 6): the real server, as a child process, killed with SIGKILL
 * while writers are saving; started again on the same database, every write it acknowledged
 * is there, whole (with its audit entry).
 */

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  origin: string;
  output: () => string;
}
const running: ChildProcess[] = [];
const scratch: string[] = [];
const databases: TestDatabase[] = [];

/** `src/server/main.ts` as `npm start` runs it, until it says it is ready. */
async function startServer(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LUOSHI_JOB_POLL_SECONDS: '60',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 120_000);
    child.stdout!.on('data', () => {
      if (/is ready at/.test(output) && /\n\n$/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? signal}:\n${output}`));
    });
  });
  return { child, origin: `http://127.0.0.1:${port}`, output: () => output };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

const embeddedDirs: string[] = [];
afterAll(async () => {
  for (const child of running) await kill(child, 'SIGTERM');
  // Whatever happened above, no PostgreSQL of this test is left running.
  for (const directory of embeddedDirs) await stopAbandonedServer(path.join(directory, 'postgres'));
  for (const database of databases) await database.destroy();
  for (const directory of scratch) await rm(directory, { recursive: true, force: true });
});

interface Session {
  cookie: string;
  csrf: string;
}

async function signInOver(
  origin: string,
  username: string,
  password = TEST_PASSWORD,
): Promise<Session> {
  const response = await fetch(`${origin}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('luoshi_session='))!;
  return { cookie, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

function call(
  origin: string,
  session: Session,
  method: string,
  url: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${origin}${url}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the server killed with SIGKILL during a write load', () => {
  it('keeps every acknowledged write, whole, when started again on the same PostgreSQL', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-kill-'));
    scratch.push(dataDir);
    const { organization } = await createInstitution(database.db);
    const imports = createPlanImportService({
      db: database.db,
      clock: systemClock,
      maxFileBytes: 10 * 1024 * 1024,
    });
    const planId = (
      await imports.import(systemActor(organization.id), {
        fileName: 'plan.txt',
        bytes: await readFile(seedPlanFile),
      })
    ).planId!;
    const departments = await listDepartments(database.db, organization.id);
    const chosen = ['工会', '教务处', '人事处', '党委宣传部'].map(
      (name) => departments.find((department) => department.name === name)!,
    );
    const liaisons = await Promise.all(
      chosen.map((department) =>
        createUser(database.db, organization.id, 'liaison', { departmentId: department.id }),
      ),
    );
    const env = {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      LUOSHI_EVIDENCE_DIR: path.join(dataDir, 'evidence'),
      LUOSHI_SEED_FILE: 'none',
    };

    const first = await startServer(env);
    const sessions = await Promise.all(
      liaisons.map((liaison) => signInOver(first.origin, liaison.username)),
    );
    const itemsOf = async (index: number) => {
      const view = (await (
        await call(
          first.origin,
          sessions[index]!,
          'GET',
          `/api/v1/plans/${planId}/breakdowns/${chosen[index]!.id}`,
        )
      ).json()) as BreakdownView;
      return view.indicators.flatMap((level1) =>
        level1.children.flatMap((level2) => level2.items.map((item) => item.id)),
      );
    };
    const items = await Promise.all(chosen.map((_, index) => itemsOf(index)));

    // Three writers per department, each saving measures one after another until the server is gone.
    const acknowledged: { id: string; text: string; department: number }[] = [];
    const refused: string[] = [];
    let connectionErrors = 0;
    const writers = Array.from({ length: chosen.length * 3 }, async (_, writer) => {
      const department = writer % chosen.length;
      for (let n = 0; ; n += 1) {
        const text = `writer ${writer} measure ${n}`;
        try {
          const response = await call(
            first.origin,
            sessions[department]!,
            'POST',
            `/api/v1/plans/${planId}/breakdowns/${chosen[department]!.id}/measures`,
            {
              itemId: items[department]![n % items[department]!.length],
              text,
              deadline: { kind: 'date', dueOn: '2024-06-30' },
            },
          );
          const body = (await response.json()) as { id: string };
          if (response.status === 201) acknowledged.push({ id: body.id, text, department });
          else refused.push(`${response.status} ${JSON.stringify(body)}`);
        } catch {
          connectionErrors += 1;
          return;
        }
      }
    });
    const startedAt = Date.now();
    while (acknowledged.length < 120 && Date.now() - startedAt < 60_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await kill(first.child, 'SIGKILL');
    await Promise.all(writers);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(refused).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    // Writers were cut off mid-request, not stopped politely.
    expect(connectionErrors).toBe(chosen.length * 3);

    const second = await startServer(env);
    const stored = await database.db.select().from(measures).where(eq(measures.planId, planId));
    const byId = new Map(stored.map((measure) => [measure.id, measure]));
    for (const write of acknowledged) expect(byId.get(write.id)?.text, write.text).toBe(write.text);
    // Nothing half-written: every measure there (acknowledged or caught in flight) has its one audit entry, and no entry lacks its measure.
    const audits = await database.db
      .select({ entityId: auditLog.entityId })
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'measure.create'), eq(auditLog.organizationId, organization.id)),
      );
    expect(audits.map((entry) => entry.entityId).sort()).toEqual(
      stored.map((measure) => measure.id).sort(),
    );
    const inFlight = stored.length - acknowledged.length;
    expect(inFlight).toBeGreaterThanOrEqual(0);
    expect(inFlight).toBeLessThanOrEqual(chosen.length * 3);

    // The sessions live in PostgreSQL: the same cookie works on the restarted server, which sees every write.
    for (const [index, department] of chosen.entries()) {
      const response = await call(
        second.origin,
        sessions[index]!,
        'GET',
        `/api/v1/plans/${planId}/breakdowns/${department.id}`,
      );
      expect(response.status).toBe(200);
      const view = (await response.json()) as BreakdownView;
      const shown = new Set(
        view.indicators.flatMap((level1) =>
          level1.children.flatMap((level2) =>
            level2.items.flatMap((item) => item.measures.map((measure) => measure.id)),
          ),
        ),
      );
      for (const write of acknowledged.filter((entry) => entry.department === index))
        expect(shown.has(write.id)).toBe(true);
    }
    const more = await call(
      second.origin,
      sessions[0]!,
      'POST',
      `/api/v1/plans/${planId}/breakdowns/${chosen[0]!.id}/measures`,
      {
        itemId: items[0]![0],
        text: 'after the restart',
        deadline: { kind: 'date', dueOn: '2024-06-30' },
      },
    );
    expect(more.status).toBe(201);
    expect(
      await database.db
        .select()
        .from(measures)
        .where(inArray(measures.id, [((await more.json()) as { id: string }).id])),
    ).toHaveLength(1);
    expect(await kill(second.child, 'SIGTERM')).toBe(0);
  }, 300_000);
});

describe('npm start with the embedded PostgreSQL, killed with SIGKILL', () => {
  const postmasterPid = async (dataDir: string) =>
    Number.parseInt(
      (await readFile(path.join(dataDir, 'postgres/postmaster.pid'), 'utf8')).split('\n')[0]!,
      10,
    );
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };

  it('starts again by itself, whether its PostgreSQL was left running or killed too, with the data there', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-kill-embedded-'));
    scratch.push(dataDir);
    embeddedDirs.push(dataDir);
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startServer(env);
    // The first start prints the administrator's one-time password (one line per account, or the older single line).
    const printed = first.output();
    const oneTimePassword = (printed.match(
      /one-time password:\s+([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})/,
    ) ?? printed.match(/^\s+admin\s+(\S+)\s/m))?.[1];
    expect(oneTimePassword, printed).toBeTruthy();
    const session = await signInOver(first.origin, 'admin', oneTimePassword!);
    const chosen = 'Kill-9-survivor!';
    const changed = await call(first.origin, session, 'POST', '/api/v1/auth/password', {
      currentPassword: oneTimePassword!,
      newPassword: chosen,
    });
    expect(changed.status).toBe(200);

    // kill -9 of the node process: its PostgreSQL is orphaned, still running on the data directory.
    const orphan = await postmasterPid(dataDir);
    await kill(first.child, 'SIGKILL');
    expect(alive(orphan)).toBe(true);

    const second = await startServer(env);
    expect(alive(orphan)).toBe(false);
    expect(second.output()).not.toContain('First start');
    await signInOver(second.origin, 'admin', chosen);
    const replacement = await postmasterPid(dataDir);
    expect(replacement).not.toBe(orphan);

    // A power cut: node and PostgreSQL both killed, a stale postmaster.pid left behind.
    await kill(second.child, 'SIGKILL');
    process.kill(replacement, 'SIGKILL');
    while (alive(replacement)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(path.join(dataDir, 'postgres/postmaster.pid'))).toBe(true);

    const third = await startServer(env);
    await signInOver(third.origin, 'admin', chosen);
    const last = await postmasterPid(dataDir);
    expect(await kill(third.child, 'SIGTERM')).toBe(0);
    // A clean stop leaves nothing running.
    expect(alive(last)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres/postmaster.pid'))).toBe(false);
  }, 400_000);
});
