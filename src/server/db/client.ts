import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Anything a repository can run a query on: the database or an open transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

// DATE columns stay ISO strings ('2024-04-30'): a calendar date has no time zone to shift.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/**
 * DATABASE_URL's sslmode as libpq means it (what DBAs and psql expect), not node-postgres's own
 * reading (where `require` verifies the certificate and fails on a campus CA or a self-signed one):
 * `require` encrypts without verifying (with `sslrootcert`, it verifies the chain like verify-ca),
 * `verify-ca` verifies the chain against `sslrootcert`, `verify-full` the chain and the host name
 * (against `sslrootcert`, else the system CAs and NODE_EXTRA_CA_CERTS), `disable` is plain.
 * pg-connection-string implements these under `uselibpqcompat=true`, which is added here.
 */
export function withLibpqSslModes(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.searchParams.has('sslmode') || parsed.searchParams.has('uselibpqcompat')) return url;
  parsed.searchParams.set('uselibpqcompat', 'true');
  return parsed.toString();
}

export function connectDatabase(
  url: string,
  options: { maxConnections?: number } = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: withLibpqSslModes(url),
    max: options.maxConnections ?? 10,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
