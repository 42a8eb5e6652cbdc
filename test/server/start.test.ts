import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServerProcess } from '../support/server-process';

/** Runs the server as `npm start` does, on the embedded database under `dataDir`. */
const start = (dataDir: string, port: number) =>
  startServerProcess({ DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '' });

const scratch: string[] = [];
afterAll(async () => {
  for (const directory of scratch) await rm(directory, { recursive: true, force: true });
});

describe('npm start', () => {
  it('creates the embedded database and prints a one-time password on first start; reuses it after', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-start-'));
    scratch.push(dataDir);
    const port = await freePort();

    const first = await start(dataDir, port);
    const printed = first.output();
    expect(printed).toContain(`http://localhost:${port}`);
    // One line per power (三权分立): user name, one-time password, role.
    const password = printed.match(
      /^\s+admin\s+([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})\s+系统管理员/m,
    )?.[1];
    expect(password).toBeTruthy();
    expect(printed).toMatch(/^\s+secadmin\s+[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}\s+安全管理员/m);
    expect(printed).toMatch(/^\s+auditor\s+[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}\s+安全审计员/m);
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(signIn.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start(dataDir, port);
    expect(second.output()).not.toMatch(/one-time passwords \(shown only once/);
    expect(second.output()).toContain('npx luoshi user reset-password admin');
    expect(await second.stop()).toBe(0);
  }, 180_000);
});
