/**
 * `npx tsx bench/profile-writes.ts [--duration S] [--rounds N] [--explain]`: builds data set S on a
 * temporary embedded PostgreSQL and measures only the saves of issue 16 point 2 (a measure, a
 * progress report, a self-assessment), as `npm run bench` does: each save's statements captured
 * from one real request whose transaction is rolled back, listed with their own time (best of
 * three, in a savepoint), the deferred triggers' time at commit, and `--explain` their plans
 * (EXPLAIN (ANALYZE, BUFFERS)); then per round its SQL at commit (replayed, `writeFloor`) and
 * the app at one connection through bench/load.ts in a process of its own. Reports, never asserts.
 */
import { execFile } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/server/app';
import { ManualClock } from '../src/server/clock';
import { loadConfig } from '../src/server/config';
import { connectDatabase } from '../src/server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/db/embedded';
import { runMigrations } from '../src/server/db/migrate';
import { createJobRunner } from '../src/server/modules/jobs/job.runner';
import { hashPassword } from '../src/server/modules/users/password';
import { BENCH_PASSWORD, buildOrganization, projectRoot, seedPlanFile } from './dataset';
import type { LoadResult, LoadSpec } from './load';

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    explain: { type: 'boolean', default: false },
    // A V8 CPU profile of this process (the app) during each save's last load: the top self times.
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const DURATION = Number(options.duration);
const ROUNDS = Number(options.rounds);
const TODAY = '2024-12-20T02:00:00Z';
const load1 = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface CapturedQuery {
  text: string;
  values: unknown[] | undefined;
}
let capturing: CapturedQuery[] | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function capture(this: pg.Client, ...args: unknown[]) {
  if (capturing) {
    const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown];
    const text = typeof config === 'string' ? config : config.text;
    const params = typeof config === 'string' ? values : (config.values ?? values);
    capturing.push({ text, values: Array.isArray(params) ? params : undefined });
    // The captured request's commit is a rollback: the record keeps the version it saw.
    if (/^\s*commit\s*$/i.test(text))
      args[0] = typeof config === 'string' ? 'rollback' : { ...config, text: 'rollback' };
  }
  return (originalQuery as (...rest: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback)\b/i;
const round2 = (value: number) => Math.round(value * 100) / 100;

function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    round2(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}

/** As bench/run.ts `writeFloor`: the statements in a savepoint, the deferred triggers run, undone, the commit flushed. */
async function writeFloor(url: string, queries: CapturedQuery[], seconds: number) {
  const statements = queries.filter((query) => !TRANSACTION_CONTROL.test(query.text));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await client.query('begin');
    await client.query('savepoint replay');
    for (const query of statements) await client.query(query.text, query.values);
    await client.query('set constraints all immediate');
    await client.query('rollback to savepoint replay');
    await client.query('commit');
    latencies.push(performance.now() - t0);
  }
  await client.end();
  return percentiles(latencies);
}

/** Each statement on its own (best of three in a savepoint), then the deferred triggers' time; optionally each plan. */
async function statementTimes(url: string, queries: CapturedQuery[], explain: boolean) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('begin');
  await client.query('savepoint statements');
  let total = 0;
  for (const query of queries.filter((entry) => !TRANSACTION_CONTROL.test(entry.text))) {
    // The plan first, undone: the timed runs keep the last one's write for the statements after.
    const plan =
      explain && /^\s*(select|insert|update|delete|with)\b/i.test(query.text)
        ? await (async () => {
            await client.query('savepoint explained');
            const result = await client.query(
              `explain (analyze, buffers, costs off) ${query.text}`,
              query.values,
            );
            await client.query('rollback to savepoint explained');
            return (result.rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']);
          })()
        : [];
    let best = Infinity;
    let rows = 0;
    for (let n = 0; n < 3; n += 1) {
      await client.query('savepoint timed');
      const t0 = performance.now();
      const result = await client.query(query.text, query.values);
      best = Math.min(best, performance.now() - t0);
      rows = result.rowCount ?? 0;
      await client.query(n < 2 ? 'rollback to savepoint timed' : 'release savepoint timed');
    }
    total += best;
    console.log(
      `      ${best.toFixed(2).padStart(6)} ms ${String(rows).padStart(4)} rows  ${query.text.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
    for (const line of plan) console.log(`               ${line}`);
  }
  // The deferred triggers' own time, best of five replays (the first call of a trigger function
  // on a connection compiles it): each replay in a savepoint, its triggers run, then undone.
  await client.query('rollback to savepoint statements');
  const statements = queries.filter((entry) => !TRANSACTION_CONTROL.test(entry.text));
  let triggers = Infinity;
  for (let n = 0; n < 6; n += 1) {
    await client.query('savepoint replay');
    for (const query of statements) await client.query(query.text, query.values);
    const t0 = performance.now();
    await client.query('set constraints all immediate');
    if (n > 0) triggers = Math.min(triggers, performance.now() - t0);
    await client.query('rollback to savepoint replay');
    await client.query('set constraints all deferred');
  }
  console.log(
    `      ${triggers.toFixed(2).padStart(6)} ms  the deferred triggers (set constraints all immediate, best of 5); statements' sum ${total.toFixed(2)} ms`,
  );
  await client.query('rollback');
  await client.end();
}

/** The functions with the most self time in a CPU profile (idle and GC apart), by name and place. */
function printTopSelfTimes(profile: {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples?: number[];
  timeDeltas?: number[];
}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  (profile.samples ?? []).forEach((id, index) => {
    const frame = byId.get(id)!.callFrame;
    const ms = (profile.timeDeltas?.[index] ?? 0) / 1000;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    if (frame.functionName !== '(idle)') total += ms;
  });
  console.log(`      busy ${total.toFixed(0)} ms; top self times:`);
  for (const [key, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`      ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}

async function loadRun(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'bench/load.ts'), JSON.stringify(spec)],
    { cwd: projectRoot, maxBuffer: 10 * 1024 * 1024, timeout: (spec.durationSeconds + 60) * 1000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-writes-profile-'));
const server = await startEmbeddedPostgres(dataDir);
try {
  await ensureDatabase(server.adminUrl, 'writes');
  const url = server.urlFor('writes');
  const handle = connectDatabase(url, { maxConnections: 10 });
  await runMigrations(handle.pool);
  const clock = new ManualClock(TODAY);
  console.log(`building S… (load average ${load1()})`);
  const built = await buildOrganization({
    db: handle.db,
    clock,
    passwordHash: await hashPassword(BENCH_PASSWORD),
    reportsTarget: 3000,
    index: 0,
    seedBytes: await readFile(seedPlanFile),
  });
  await handle.pool.query('analyze');
  const runner = createJobRunner({ db: handle.db, clock });
  const jobs: typeof runner = { ...runner, schedule: () => undefined };
  const evidenceDir = await mkdtemp(path.join(os.tmpdir(), 'luoshi-writes-evidence-'));
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }, projectRoot), evidenceDir };
  const app = await buildApp(
    { db: handle.db, clock, config, jobs, mailer: null },
    { logger: false },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  const signIn = async (username: string) => {
    const response = await fetch(`${base}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: BENCH_PASSWORD }),
    });
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith('luoshi_session='))!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return { cookie, 'x-csrf-token': csrfToken };
  };
  const liaison = await signIn(built.approvedLiaison.username);
  const draftLiaison = await signIn(built.draftLiaison.username);
  const planId = built.planId;
  const period = TODAY.slice(0, 7);
  const version = async (text: string, values: unknown[]) =>
    (await handle.pool.query<{ version: number }>(text, values)).rows[0]?.version ?? 0;

  const writes = [
    {
      name: 'saving a measure (PATCH)',
      path: `/api/v1/plans/${planId}/breakdowns/${built.draftLiaison.departmentId}/measures/${built.draftLiaison.measureId}`,
      method: 'PATCH' as const,
      headers: draftLiaison,
      bodies: [
        { text: '落实措施：制定年度工作计划（一）' },
        { text: '落实措施：制定年度工作计划（二）' },
      ],
      versionField: 'version',
      versionIn: undefined,
      current: () =>
        version('select version from measures where id = $1', [built.draftLiaison.measureId]),
    },
    {
      name: 'saving a report (POST)',
      path: `/api/v1/plans/${planId}/ledger/departments/${built.approvedLiaison.departmentId}/reports`,
      method: 'POST' as const,
      headers: liaison,
      bodies: ['（一）', '（二）'].map((tail) => ({
        measureId: built.reportMeasureId,
        periodKey: period,
        status: 'on_track',
        text: `本月召开专题会议两次，形成记录${tail}`,
        evidenceIds: [],
      })),
      versionField: 'basedOnVersion',
      versionIn: undefined,
      current: () =>
        version(
          'select coalesce(max(version), 0)::int as version from progress_reports where measure_id = $1 and period_key = $2',
          [built.reportMeasureId, period],
        ),
    },
    {
      name: 'saving an assessment (PUT)',
      path: `/api/v1/plans/${planId}/conclusion/${built.draftLiaison.departmentId}/items/${built.draftLiaison.itemId}`,
      method: 'PUT' as const,
      headers: draftLiaison,
      bodies: [
        {
          rating: '达标',
          justification: '对照考察重点逐项落实，佐证材料齐全（一）',
          evidenceIds: [],
        },
        {
          rating: '基本达标',
          justification: '对照考察重点逐项落实，佐证材料齐全（二）',
          evidenceIds: [],
        },
      ],
      versionField: 'version',
      versionIn: { list: 'items', id: built.draftLiaison.itemId, path: ['mine', 'version'] },
      current: () =>
        version(
          'select version from self_assessments where plan_id = $1 and department_id = $2 and item_id = $3',
          [planId, built.draftLiaison.departmentId, built.draftLiaison.itemId],
        ),
    },
  ];
  /** One save; `capture`: its statements, its transaction rolled back. */
  const send = async (
    write: (typeof writes)[number],
    body: Record<string, unknown>,
    capture = false,
  ) => {
    const seen = await write.current();
    if (capture) capturing = [];
    try {
      const response = await fetch(`${base}${write.path}`, {
        method: write.method,
        headers: { ...write.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, [write.versionField]: seen }),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`${write.name}: ${response.status} ${text}`);
      return { bytes: text.length, queries: capturing ?? [] };
    } finally {
      capturing = null;
    }
  };
  for (const write of writes) {
    // One committed save first (a first rating becomes an update), then the statements of the next.
    await send(write, write.bodies[1]!);
    const { bytes, queries } = await send(write, write.bodies[0]!, true);
    console.log(`  ${write.name}: ${queries.length} statements, reply ${bytes} bytes`);
    await statementTimes(url, queries, options.explain);
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const write of writes) {
      const { queries } = await send(write, write.bodies[0]!, true);
      const sql = await writeFloor(url, queries, DURATION);
      const profiler = options['cpu-prof'] && round === ROUNDS - 1 ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      const app1 = await loadRun({
        url: `${base}${write.path}`,
        method: write.method,
        headers: write.headers,
        connections: 1,
        durationSeconds: DURATION,
        // One request after another, each timed to the hundredth of a millisecond (autocannon's are whole ones).
        sequential: true,
        write: {
          version: await write.current(),
          bodies: write.bodies,
          versionField: write.versionField,
          ...(write.versionIn ? { versionIn: write.versionIn } : {}),
        },
      });
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        printTopSelfTimes(profile);
      }
      console.log(
        `  round ${round + 1} ${write.name}: app c1 p50 ${app1.p50} p95 ${app1.p95} p99 ${app1.p99} mean ${app1.mean.toFixed(2)} ms (${app1.requests} requests, non-2xx ${app1.non2xx}); sql at commit p50 ${sql.p50} p99 ${sql.p99} ms; ${queries.length} statements; load average ${load1()}`,
      );
    }
  }
  await app.close();
  await handle.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
