/**
 * The server of `npm run load` (bench/load-users.ts), in a process of its own so that its memory
 * and CPU are its own: the app as `npm start` runs it (the production pool, background jobs), on the
 * database of DATABASE_URL, with a clock that starts at LOAD_TODAY and runs with real time.
 * Tells its parent over IPC where it listens, then every second its memory, CPU, database pool and
 * event-loop delay, and when asked where its database time went, or its event-loop delay since it
 * was last asked (a ramp's step, bench/load-users.ts --ramp); stops on SIGTERM.
 */
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../src/server/config';
import { openDatabase } from '../src/server/db/open';
import { runningClockFrom, startLoadServer } from './simulation';

export interface StatementFigures {
  sql: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

export interface ServerMessage {
  kind: 'ready' | 'usage' | 'statements' | 'delay';
  /** For 'statements': where the database time went, the statements taking most of it first. */
  statements?: StatementFigures[];
  url?: string;
  /** process.memoryUsage() and process.cpuUsage() of the server, at `at` (ms since the epoch). */
  at: number;
  rss: number;
  heapUsed: number;
  cpuMicros: { user: number; system: number };
  /** The database pool: connections open, and requests waiting for one (the most seen since the last message). */
  pool: { total: number; waitingMax: number };
  /** The event loop's delay since the last message: p99 and max in ms (high when the process is short of CPU). */
  eventLoopDelayMs: { p99: number; max: number };
  /** For 'delay': the event loop's delay since the last 'delay' asked, in ms. */
  delaySinceAsked?: { p50: number; p99: number; max: number };
}

const send = (message: ServerMessage) => process.send?.(message);

// Every statement's time from being sent to its answer (waiting for PostgreSQL included, waiting
// for a pooled connection not), summed by its text.
const statements = new Map<string, { calls: number; totalMs: number }>();
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function timed(this: pg.Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  const text = (typeof config === 'string' ? config : (config?.text ?? ''))
    .replace(/\s+/g, ' ')
    .slice(0, 200);
  const t0 = performance.now();
  const result = (originalQuery as (...rest: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) {
    void result.then(
      () => {
        const entry = statements.get(text) ?? { calls: 0, totalMs: 0 };
        entry.calls += 1;
        entry.totalMs += performance.now() - t0;
        statements.set(text, entry);
      },
      () => undefined,
    );
  }
  return result;
} as typeof pg.Client.prototype.query;

function topStatements(count = 15): StatementFigures[] {
  return [...statements.entries()]
    .map(([sql, entry]) => ({
      sql,
      calls: entry.calls,
      totalMs: Math.round(entry.totalMs),
      meanMs: Math.round((entry.totalMs / entry.calls) * 100) / 100,
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, count);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, path.resolve(import.meta.dirname, '..'));
  if (!config.databaseUrl || !process.env.LOAD_TODAY)
    throw new Error('DATABASE_URL and LOAD_TODAY are required');
  const database = await openDatabase(config);
  const server = await startLoadServer({
    db: database.db,
    clock: runningClockFrom(process.env.LOAD_TODAY),
    config,
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // Apart from the per-second figures: one histogram over a whole step of a ramp, whose p99 is the step's.
  const stepDelay = monitorEventLoopDelay({ resolution: 10 });
  stepDelay.enable();
  let waitingMax = 0;
  const poolTimer = setInterval(() => {
    waitingMax = Math.max(waitingMax, database.pool.waitingCount);
  }, 50);
  const usage = (kind: ServerMessage['kind'], url?: string): ServerMessage => {
    const memory = process.memoryUsage();
    const message: ServerMessage = {
      kind,
      url,
      at: Date.now(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      cpuMicros: process.cpuUsage(),
      pool: { total: database.pool.totalCount, waitingMax },
      eventLoopDelayMs: {
        p99: Math.round(delay.percentile(99) / 1e4) / 100,
        max: Math.round(delay.max / 1e4) / 100,
      },
    };
    waitingMax = 0;
    delay.reset();
    return message;
  };
  send(usage('ready', server.url));
  const timer = setInterval(() => send(usage('usage')), 1000);
  process.on('message', (message: { kind?: string }) => {
    if (message.kind === 'statements')
      send({ ...usage('statements'), statements: topStatements() });
    if (message.kind === 'delay') {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      send({
        ...usage('delay'),
        delaySinceAsked: {
          p50: ms(stepDelay.percentile(50)),
          p99: ms(stepDelay.percentile(99)),
          max: ms(stepDelay.max),
        },
      });
      stepDelay.reset();
    }
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    clearInterval(poolTimer);
    delay.disable();
    stepDelay.disable();
    void server
      .close()
      .then(() => database.shutdown())
      .then(() => process.exit(0));
  });
}

await main();
