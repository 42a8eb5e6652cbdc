/**
 * `npm run load`: many signed-in people using one university's Luoshi at once, for minutes.
 *
 * Builds data set S (bench/dataset.ts: the seed plan, `--departments` departments, a year of
 * reports; a quarter of the teaching units still drafting their breakdown) on a PostgreSQL of its
 * own (a temporary embedded one, or a fresh database on TEST_DATABASE_URL's server), creates
 * `--users` accounts (the coordinating office, leaders, and liaisons spread over the departments),
 * starts the app in a process of its own (bench/load-server.ts) and runs them against it over HTTP
 * for `--duration` seconds with think time (bench/simulation.ts). Prints per operation count,
 * req/s, p50/p95/p99 and errors, and the server's memory (VmRSS from /proc every second, peak and
 * mean; heap) and CPU; writes it all to bench/results/<timestamp>-load.json. Exits 1 on any error:
 * a 5xx, a network error or timeout, or any 4xx other than an expected 409 conflict.
 *
 * Options: --duration S (300), --users N (300), --departments N (80), --think-min S (3),
 * --think-max S (15), --reports N (progress reports already in the year, 3000), --seed N.
 */
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ManualClock } from '../src/server/clock';
import { connectDatabase } from '../src/server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/db/embedded';
import { runMigrations } from '../src/server/db/migrate';
import { hashPassword } from '../src/server/modules/users/password';
import { BENCH_PASSWORD, buildOrganization, projectRoot } from './dataset';
import type { ServerMessage, StatementFigures } from './load-server';
import { createLoadUsers, simulate, type SimulationResult } from './simulation';

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    users: { type: 'string', default: '300' },
    departments: { type: 'string', default: '80' },
    'think-min': { type: 'string', default: '3' },
    'think-max': { type: 'string', default: '15' },
    reports: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '42' },
  },
});
const DURATION = Number(options.duration);
const USERS = Number(options.users);
const DEPARTMENTS = Number(options.departments);
const THINK: [number, number] = [Number(options['think-min']), Number(options['think-max'])];
const REPORTS = Number(options.reports);
const SEED = Number(options.seed);
/** The data set's day: the seed plan's December, its period open for reports. */
const TODAY = '2024-12-20T02:00:00Z';
const resultsDir = path.join(projectRoot, 'bench/results');
const MB = 1024 * 1024;

// ---------------------------------------------------------------- a PostgreSQL of its own

async function openPostgres(): Promise<{ url: string; describe: string; stop(): Promise<void> }> {
  const name = `luoshi_load_${randomBytes(4).toString('hex')}`;
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await ensureDatabase(given, name);
    const url = new URL(given);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      describe: `database ${name} on TEST_DATABASE_URL's server`,
      async stop() {
        const admin = new pg.Client({ connectionString: given });
        await admin.connect();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-load-'));
  const server = await startEmbeddedPostgres(dataDir);
  await ensureDatabase(server.adminUrl, name);
  return {
    url: server.urlFor(name),
    describe: `embedded PostgreSQL 15 in ${dataDir}`,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- the server process and its resources

interface Sample {
  at: number;
  rssKb: number;
}

function vmRssKb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function startServer(databaseUrl: string, evidenceDir: string, logFile: string) {
  const child = fork(path.join(projectRoot, 'bench/load-server.ts'), [], {
    cwd: projectRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      LOG_LEVEL: 'warn',
      LUOSHI_EVIDENCE_DIR: evidenceDir,
      LOAD_TODAY: TODAY,
      LUOSHI_SEED_FILE: 'none',
    },
  });
  const log: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  const usages: ServerMessage[] = [];
  const rss: Sample[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${code}) before it was ready:\n${log.join('')}`)),
    );
    child.on('message', (message: ServerMessage) => {
      usages.push(message);
      if (message.kind === 'ready') resolve(message.url!);
    });
  });
  const timer = setInterval(() => {
    const kb = vmRssKb(child.pid!);
    if (kb !== null) rss.push({ at: Date.now(), rssKb: kb });
  }, 1000);
  return {
    url,
    pid: child.pid!,
    usages,
    rss,
    /** Where the server's database time went, so far. */
    statements(): Promise<StatementFigures[]> {
      return new Promise((resolve) => {
        const listen = (message: ServerMessage) => {
          if (message.kind !== 'statements') return;
          child.off('message', listen);
          resolve(message.statements ?? []);
        };
        child.on('message', listen);
        child.send({ kind: 'statements' });
      });
    },
    async stop(): Promise<number | null> {
      clearInterval(timer);
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      const code = await exited;
      await writeFile(logFile, log.join(''));
      return code;
    },
  };
}

/** Peak and mean of the server's memory, and its CPU, over the samples since `from` (ms since the epoch). */
function resources(server: Awaited<ReturnType<typeof startServer>>, from: number) {
  const rss = server.rss.filter((sample) => sample.at >= from).map((sample) => sample.rssKb / 1024);
  const usages = server.usages.filter((sample) => sample.at >= from);
  const heap = usages.map((sample) => sample.heapUsed / MB);
  const first = usages[0];
  const last = usages.at(-1);
  const cpuSeconds =
    first && last
      ? (last.cpuMicros.user +
          last.cpuMicros.system -
          first.cpuMicros.user -
          first.cpuMicros.system) /
        1e6
      : 0;
  const wallSeconds = first && last ? (last.at - first.at) / 1000 : 0;
  const round = (value: number) => Math.round(value * 10) / 10;
  const mean = (values: number[]) =>
    round(values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length));
  return {
    samples: rss.length,
    rssMb: { peak: round(Math.max(0, ...rss)), mean: mean(rss) },
    heapUsedMb: { peak: round(Math.max(0, ...heap)), mean: mean(heap) },
    cpu: {
      seconds: round(cpuSeconds),
      percentOfOneCore: wallSeconds > 0 ? round((cpuSeconds / wallSeconds) * 100) : 0,
    },
    pool: {
      connectionsMax: Math.max(0, ...usages.map((sample) => sample.pool.total)),
      waitingMax: Math.max(0, ...usages.map((sample) => sample.pool.waitingMax)),
    },
    eventLoopDelayMs: {
      p99Max: round(Math.max(0, ...usages.map((sample) => sample.eventLoopDelayMs.p99))),
      max: round(Math.max(0, ...usages.map((sample) => sample.eventLoopDelayMs.max))),
    },
  };
}

// ---------------------------------------------------------------- report

function printTable(result: SimulationResult): void {
  const columns = [
    'operation'.padEnd(26),
    'count'.padStart(7),
    'req/s'.padStart(8),
    'p50 ms'.padStart(8),
    'p95 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'max ms'.padStart(8),
    '409s'.padStart(6),
    'errors'.padStart(7),
  ];
  console.log(columns.join(' '));
  for (const entry of result.operations) {
    console.log(
      [
        entry.operation.padEnd(26),
        String(entry.count).padStart(7),
        String(entry.requestsPerSecond).padStart(8),
        String(entry.p50).padStart(8),
        String(entry.p95).padStart(8),
        String(entry.p99).padStart(8),
        String(entry.max).padStart(8),
        String(entry.conflicts).padStart(6),
        String(entry.errors).padStart(7),
      ].join(' '),
    );
  }
  console.log(
    `${'all'.padEnd(26)} ${String(result.totals.requests).padStart(7)} ${String(result.totals.requestsPerSecond).padStart(8)}${' '.repeat(36)} ${String(result.totals.conflicts).padStart(6)} ${String(result.totals.errors).padStart(7)}`,
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  await mkdir(resultsDir, { recursive: true });
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const uptimeAtStart = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(
    `${USERS} users of ${DEPARTMENTS} departments for ${DURATION} s; ${os.cpus().length} CPUs; ${uptimeAtStart}`,
  );
  const postgres = await openPostgres();
  const evidenceDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-load-evidence-'));
  try {
    // ---- data set S and the people
    const handle = connectDatabase(postgres.url, { maxConnections: 4 });
    await runMigrations(handle.pool);
    const t0 = Date.now();
    const built = await buildOrganization({
      db: handle.db,
      clock: new ManualClock(TODAY),
      passwordHash: await hashPassword(BENCH_PASSWORD),
      reportsTarget: REPORTS,
      index: 0,
      departments: DEPARTMENTS,
      draftDepartments: Math.max(1, Math.round(DEPARTMENTS / 4)),
    });
    const users = await createLoadUsers(handle.db, built, USERS);
    await handle.pool.query('analyze');
    await handle.close();
    const roles = Object.fromEntries(
      ['coordinator', 'leader', 'liaison'].map((role) => [
        role,
        users.filter((user) => user.role === role).length,
      ]),
    );
    console.log(
      `built data set S in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${postgres.describe}: ${JSON.stringify(built.counts)}; users ${JSON.stringify(roles)}, ${users.filter((user) => user.drafting).length} liaisons still drafting`,
    );

    // ---- the server, and the people on it
    const server = await startServer(
      postgres.url,
      evidenceDir,
      path.join(resultsDir, `${stamp}-load-server.log`),
    );
    console.log(`server pid ${server.pid} at ${server.url}`);
    let simulatedFrom = Date.now();
    let generatorCpu = process.cpuUsage();
    const result = await simulate({
      baseUrl: server.url,
      users,
      password: BENCH_PASSWORD,
      durationSeconds: DURATION,
      thinkSeconds: THINK,
      seed: SEED,
      log: (line) => console.log(line),
      onStart: () => {
        simulatedFrom = Date.now();
        generatorCpu = process.cpuUsage();
      },
    });
    const generatorCpuUsed = process.cpuUsage(generatorCpu);
    const generator = {
      cpuSeconds: Math.round((generatorCpuUsed.user + generatorCpuUsed.system) / 1e5) / 10,
    };
    const statements = await server.statements();
    const whole = resources(server, 0);
    const simulated = resources(server, simulatedFrom);
    const exitCode = await server.stop();
    const uptimeAtEnd = execFileSync('uptime', { encoding: 'utf8' }).trim();

    console.log('');
    printTable(result);
    console.log(
      `\nserver while simulating: RSS peak ${simulated.rssMb.peak} MB, mean ${simulated.rssMb.mean} MB; heap used peak ${simulated.heapUsedMb.peak} MB, mean ${simulated.heapUsedMb.mean} MB; CPU ${simulated.cpu.seconds} s (${simulated.cpu.percentOfOneCore} % of one core)`,
    );
    console.log(
      `  database pool: ${simulated.pool.connectionsMax} connections at most, ${simulated.pool.waitingMax} requests waiting for one at most; event loop delay p99 up to ${simulated.eventLoopDelayMs.p99Max} ms (max ${simulated.eventLoopDelayMs.max} ms)`,
    );
    console.log(
      `the load generator (this process) used ${generator.cpuSeconds} s of CPU while simulating`,
    );
    console.log(
      `server over the whole run (sign-ins included): RSS peak ${whole.rssMb.peak} MB; heap peak ${whole.heapUsedMb.peak} MB; CPU ${whole.cpu.seconds} s`,
    );
    console.log(`machine: at start ${uptimeAtStart}\n         at end   ${uptimeAtEnd}`);
    console.log('\nwhere the database time went (sent → answered, summed by statement):');
    for (const entry of statements.slice(0, 8))
      console.log(
        `  ${String(entry.totalMs).padStart(7)} ms ${String(entry.calls).padStart(6)}× ${String(entry.meanMs).padStart(7)} ms  ${entry.sql.slice(0, 110)}`,
      );
    if (result.errorSamples.length > 0)
      console.log(`\nfirst errors:\n  ${result.errorSamples.join('\n  ')}`);

    const file = path.join(resultsDir, `${stamp}-load.json`);
    await writeFile(
      file,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          machine: {
            cpus: os.cpus().length,
            model: os.cpus()[0]?.model,
            memoryGb: Math.round(os.totalmem() / 2 ** 30),
            node: process.version,
            uptimeAtStart,
            uptimeAtEnd,
          },
          options: {
            durationSeconds: DURATION,
            users: USERS,
            departments: DEPARTMENTS,
            thinkSeconds: THINK,
            reports: REPORTS,
            seed: SEED,
            today: TODAY,
          },
          dataSet: built.counts,
          roles,
          result,
          server: { whileSimulating: simulated, wholeRun: whole, exitCode, statements },
          generator,
        },
        null,
        2,
      )}\n`,
    );
    console.log(
      `\nwritten ${path.relative(projectRoot, file)} (server log ${path.relative(projectRoot, path.join(resultsDir, `${stamp}-load-server.log`))})`,
    );
    const failed = result.totals.errors > 0 || result.signedIn < result.users;
    if (failed)
      console.log(
        `\nFAILED: ${result.totals.errors} errors, ${result.signedIn} of ${result.users} signed in`,
      );
    return failed ? 1 : 0;
  } finally {
    await postgres.stop();
    await rm(evidenceDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
