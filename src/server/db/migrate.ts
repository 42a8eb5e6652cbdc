import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';

export const migrationsFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

// Any constant shared by every Luoshi process: only one of them migrates at a time.
export const MIGRATION_LOCK_KEY = 7_414_500_001;

/** A set of pending migrations that could not be applied; none of them was (one transaction). */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** The migrations of the folder's journal not yet recorded as applied in the database. */
async function pendingMigrations(client: pg.PoolClient, folder: string): Promise<string[]> {
  const journal = JSON.parse(await readFile(path.join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const exists = await client.query<{ found: string | null }>(
    "select to_regclass('drizzle.__drizzle_migrations')::text as found",
  );
  const applied = exists.rows[0]?.found
    ? await client.query<{ last: string | null }>(
        'select max(created_at)::text as last from drizzle.__drizzle_migrations',
      )
    : { rows: [{ last: null }] };
  const last = Number(applied.rows[0]?.last ?? -1);
  return journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag);
}

/**
 * Applies the committed migrations. Drizzle runs the pending ones in a single transaction,
 * so a migration that fails midway leaves the database as it was (test/db/migration-failure.test.ts);
 * the advisory lock keeps two app processes booting together from racing.
 */
export async function runMigrations(pool: pg.Pool, folder = migrationsFolder): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const pending = await pendingMigrations(client, folder);
      try {
        await migrate(drizzle(client), { migrationsFolder: folder });
      } catch (error) {
        const cause = error as Error & { cause?: Error };
        const reason = cause.cause?.message ?? cause.message;
        throw new MigrationError(
          `The database migrations ${pending.join(', ')} could not be applied: ${reason}. None of them was applied; the database is as it was.`,
          { cause: error },
        );
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
