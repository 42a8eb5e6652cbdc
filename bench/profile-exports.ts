/**
 * `npx tsx bench/profile-exports.ts [--runs N] [--min-stall MS]`: builds one university of data
 * set S on a temporary embedded PostgreSQL, then asks for each export `runs` times (through
 * `app.inject`, so no client shares the thread) while a V8 CPU profile of the main thread is
 * taken and a 1 ms timer watches the event loop. Prints each export's times and longest stall,
 * and for every stall over `--min-stall` the functions that held the thread then (self time). The
 * writers themselves run in their worker thread and so are not in this profile: what it shows is
 * what an export still does on the thread that serves every other request, export by export (self
 * time a run) and stall by stall. Reports, never asserts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/server/app';
import { ManualClock } from '../src/server/clock';
import { loadConfig } from '../src/server/config';
import { connectDatabase } from '../src/server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/db/embedded';
import { runMigrations } from '../src/server/db/migrate';
import { warmDocumentWriters } from '../src/server/io/document-writer-pool';
import { hashPassword } from '../src/server/modules/users/password';
import { BENCH_PASSWORD, buildOrganization, projectRoot, seedPlanFile } from './dataset';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'min-stall': { type: 'string', default: '10' },
  },
});
const RUNS = Number(options.runs);
const MIN_STALL_MS = Number(options['min-stall']);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-export-profile-'));
const server = await startEmbeddedPostgres(dataDir);
try {
  await ensureDatabase(server.adminUrl, 'exports');
  const handle = connectDatabase(server.urlFor('exports'), { maxConnections: 10 });
  await runMigrations(handle.pool);
  const clock = new ManualClock('2024-12-20T02:00:00Z');
  const built = await buildOrganization({
    db: handle.db,
    clock,
    passwordHash: await hashPassword(BENCH_PASSWORD),
    reportsTarget: 3000,
    index: 0,
    seedBytes: await readFile(seedPlanFile),
  });
  await handle.pool.query('analyze');
  const config = loadConfig({ LOG_LEVEL: 'silent' }, projectRoot);
  const app = await buildApp({ db: handle.db, clock, config, mailer: null }, { logger: false });
  warmDocumentWriters();
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { username: built.coordinator.username, password: BENCH_PASSWORD },
  });
  const cookie = signIn.headers['set-cookie'];
  const headers = {
    cookie: (Array.isArray(cookie) ? cookie : [cookie!]).map((c) => c.split(';')[0]).join('; '),
  };
  const exports = [
    ['task breakdown .xlsx', `/api/v1/plans/${built.planId}/task-breakdown?format=xlsx`],
    ['task breakdown .docx', `/api/v1/plans/${built.planId}/task-breakdown?format=docx`],
    ['ledger, whole plan', `/api/v1/plans/${built.planId}/ledger/export`],
    // What `npm run load`'s coordinators export: one period's rows.
    ['ledger, one period', `/api/v1/plans/${built.planId}/ledger/export?periodKey=2024-12`],
  ] as const;
  for (const [, url] of exports) await app.inject({ method: 'GET', url, headers }); // warm-up

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const stalls: { name: string; from: number; to: number }[] = [];
  const windows: { name: string; from: number; to: number }[] = [];
  for (const [name, url] of exports) {
    const times: number[] = [];
    let longest = 0;
    const windowStart = nowMicros();
    for (let run = 0; run < RUNS; run += 1) {
      let last = nowMicros();
      const watch = setInterval(() => {
        const now = nowMicros();
        const gap = (now - last) / 1000;
        longest = Math.max(longest, gap);
        if (gap > MIN_STALL_MS) stalls.push({ name, from: last, to: now });
        last = now;
      }, 1);
      const t0 = nowMicros();
      const response = await app.inject({ method: 'GET', url, headers });
      times.push((nowMicros() - t0) / 1000);
      clearInterval(watch);
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
    }
    windows.push({ name, from: windowStart, to: nowMicros() });
    times.sort((a, b) => a - b);
    console.log(
      `${name}: p50 ${times[Math.floor((RUNS - 1) / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; longest stall ${longest.toFixed(1)} ms`,
    );
  }
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  let at = profile.startTime;
  const sampleTimes = profile.timeDeltas.map((delta) => (at += delta));
  /** The functions that held the main thread between `from` and `to`, by self time. */
  const heldBy = (from: number, to: number, count: number) => {
    const selfMicros = new Map<string, number>();
    profile.samples.forEach((id, index) => {
      const time = sampleTimes[index]!;
      if (time < from || time > to) return;
      const frame = nodes.get(id)!.callFrame;
      const where = `${frame.functionName || '(anonymous)'} ${path.relative(projectRoot, frame.url.replace('file://', ''))}:${frame.lineNumber + 1}`;
      selfMicros.set(where, (selfMicros.get(where) ?? 0) + (profile.timeDeltas[index + 1] ?? 100));
    });
    return [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, count);
  };
  for (const window of windows) {
    console.log(`\n${window.name}: the main thread over ${RUNS} runs, by self time`);
    for (const [where, micros] of heldBy(window.from, window.to, 15))
      console.log(`  ${(micros / 1000 / RUNS).toFixed(1).padStart(6)} ms a run  ${where}`);
  }
  for (const stall of stalls) {
    console.log(`\n${stall.name}: stall of ${((stall.to - stall.from) / 1000).toFixed(1)} ms`);
    for (const [where, micros] of heldBy(stall.from, stall.to, 8))
      console.log(`  ${(micros / 1000).toFixed(1).padStart(6)} ms  ${where}`);
  }
  await app.close();
  await handle.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
