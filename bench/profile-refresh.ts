/**
 * `npx tsx bench/profile-refresh.ts [--orgs N] [--runs N]`: builds N universities of data set S's
 * shape on a temporary embedded PostgreSQL, then refreshes each one's snapshot `runs` times while
 * a V8 CPU profile is taken (`--cold`: with a new service each time, no view kept; `--gather`:
 * the quality report's gathering of its records instead), and prints each refresh's time and the statements it ran (count,
 * total ms, rows); `--processes 1,2 --concurrency C`: instead, a pass's throughput with that
 * many job processes side by side, C refreshes at a time in each. The profile is written to
 * bench/results/<time>-refresh.cpuprofile. Reports, never asserts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ManualClock } from '../src/server/clock';
import { loadConfig } from '../src/server/config';
import { connectDatabase } from '../src/server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/db/embedded';
import { runMigrations } from '../src/server/db/migrate';
import { listPlansWithStandard } from '../src/server/modules/plans/plan.repository';
import { gatherReportRecords } from '../src/server/modules/reports/report.records';
import { hashPassword } from '../src/server/modules/users/password';
import { BENCH_PASSWORD, buildOrganization, projectRoot, seedPlanFile } from './dataset';
import { createBenchOversightService, timeRefreshProcesses } from './oversight';

const { values: options } = parseArgs({
  options: {
    orgs: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    // A new service (and so empty kept views) for every refresh, as after a write or on a new day.
    cold: { type: 'boolean', default: false },
    // The quality report's gathering of its records (scope `report`) instead of a snapshot refresh.
    gather: { type: 'boolean', default: false },
    // Instead of the profile: the pass's throughput with this many job processes side by side
    // (bench/refresh-process.ts), each `--concurrency` refreshes at a time, `--runs` rounds.
    processes: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    // With --processes: V8 flags for those processes, such as --node-flags=--max-semi-space-size=64.
    'node-flags': { type: 'string', default: '' },
  },
});
const ORGS = Number(options.orgs);
const RUNS = Number(options.runs);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-refresh-profile-'));
const server = await startEmbeddedPostgres(dataDir);
try {
  await ensureDatabase(server.adminUrl, 'refresh');
  const handle = connectDatabase(server.urlFor('refresh'), { maxConnections: 10 });
  await runMigrations(handle.pool);
  const clock = new ManualClock('2024-12-20T02:00:00Z');
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const seedBytes = await readFile(seedPlanFile);
  const ids: string[] = [];
  for (let index = 0; index < ORGS; index += 1)
    ids.push(
      (
        await buildOrganization({
          db: handle.db,
          clock,
          passwordHash,
          reportsTarget: 3000,
          index,
          seedBytes,
        })
      ).organizationId,
    );
  await handle.pool.query('analyze');
  const config = loadConfig({ LOG_LEVEL: 'silent' }, projectRoot);
  let oversight = createBenchOversightService(handle.db, clock, config);
  const gatherCurrentPlan = async (organizationId: string) => {
    const [plan] = await listPlansWithStandard(handle.db, organizationId);
    await gatherReportRecords(handle.db, organizationId, plan!.plan.id, clock.now());
  };
  for (const id of ids) {
    // warm-up
    await oversight.refreshSnapshot(id);
    await gatherCurrentPlan(id);
  }
  if (options.processes) {
    for (const processes of options.processes.split(',').map(Number)) {
      const timed = await timeRefreshProcesses(server.urlFor('refresh'), ids, {
        processes,
        concurrency: Number(options.concurrency),
        rounds: RUNS,
        today: clock.now().toISOString(),
        nodeFlags: options['node-flags'].split(' ').filter(Boolean),
      });
      console.log(
        `${processes} processes × ${timed.concurrency} at a time: ${timed.refreshes} refreshes in ${timed.totalMs} ms, ${timed.perInstitutionMs} ms an institution (each p50 ${timed.p50Ms}, max ${timed.maxMs} ms; CPU ${timed.cpuMsPerRefresh} ms a refresh); load ${os
          .loadavg()
          .map((v) => v.toFixed(2))
          .join(' ')}`,
      );
    }
  } else {
    // Every statement the pool runs, counted by its text.
    const statements = new Map<string, { count: number; ms: number; rows: number }>();
    const query = handle.pool.query.bind(handle.pool) as (...args: unknown[]) => Promise<unknown>;
    (handle.pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      const text = typeof first === 'string' ? first : first.text;
      const t0 = performance.now();
      let rows = 0;
      try {
        const result = (await query(...args)) as { rowCount?: number | null };
        rows = result?.rowCount ?? 0;
        return result;
      } finally {
        const entry = statements.get(text) ?? { count: 0, ms: 0, rows: 0 };
        entry.count += 1;
        entry.ms += performance.now() - t0;
        entry.rows += rows;
        statements.set(text, entry);
      }
    };
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let run = 0; run < RUNS; run += 1)
      for (const id of ids) {
        if (options.cold) oversight = createBenchOversightService(handle.db, clock, config);
        const t0 = performance.now();
        if (options.gather) await gatherCurrentPlan(id);
        else await oversight.refreshSnapshot(id);
        times.push(performance.now() - t0);
      }
    const cpu = process.cpuUsage(cpu0);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = path.join(
      projectRoot,
      'bench/results',
      `${new Date().toISOString().replace(/[:.]/g, '-')}-refresh.cpuprofile`,
    );
    await writeFile(file, JSON.stringify(profile));
    const sorted = [...times].sort((a, b) => a - b);
    const refreshes = times.length;
    console.log(
      `${options.gather ? 'gather' : 'refresh'}: ${refreshes} runs, p50 ${sorted[Math.floor((refreshes - 1) / 2)]!.toFixed(1)} ms, mean ${(times.reduce((a, b) => a + b, 0) / refreshes).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; this process's CPU ${((cpu.user + cpu.system) / 1000 / refreshes).toFixed(1)} ms per refresh (profiler included); load ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    const all = [...statements.entries()].sort((a, b) => b[1].ms - a[1].ms);
    console.log(
      `statements per refresh: ${(all.reduce((n, [, e]) => n + e.count, 0) / refreshes).toFixed(1)}, their time (overlapping) ${(all.reduce((n, [, e]) => n + e.ms, 0) / refreshes).toFixed(1)} ms`,
    );
    for (const [text, entry] of all.slice(0, 25))
      console.log(
        `${(entry.ms / refreshes).toFixed(1).padStart(7)} ms ${(entry.count / refreshes).toFixed(1).padStart(4)}× ${Math.round(
          entry.rows / refreshes,
        )
          .toString()
          .padStart(6)} rows ${text.replace(/\s+/g, ' ').slice(0, 160)}`,
      );
    console.log(`profile: ${path.relative(projectRoot, file)}`);
  }
  await handle.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
