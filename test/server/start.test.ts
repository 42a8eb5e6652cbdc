import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/test-app';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs the server as `npm start` does until it says it is ready; returns what it printed and a way to stop it. */
async function start(dataDir: string, port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 90_000);
    child.stdout.on('data', () => {
      if (/is ready at/.test(output) && /\n\n$/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  const stop = () => new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  return { output: () => output, stop };
}

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
    const password = printed.match(/one-time password:\s+(\S{16})/)?.[1];
    expect(password).toBeTruthy();
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }),
    });
    expect(signIn.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start(dataDir, port);
    expect(second.output()).not.toMatch(/one-time password:/);
    expect(second.output()).toContain('npx luoshi user reset-password admin');
    expect(await second.stop()).toBe(0);
  }, 180_000);
});
