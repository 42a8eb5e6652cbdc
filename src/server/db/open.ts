import type { AppConfig } from '../config';
import { connectDatabase, type DatabaseHandle } from './client';
import { ensureDatabase, startEmbeddedPostgres } from './embedded';
import { runMigrations } from './migrate';

export interface OpenedDatabase extends DatabaseHandle {
  /** Where it is, without the password, for logs. */
  description: string;
  /** Closes the pool and stops the embedded server, if one was started. */
  shutdown(): Promise<void>;
}

/** The external PostgreSQL of DATABASE_URL, or the embedded one under DATA_DIR; migrated. */
export async function openDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  options: { log?: (line: string) => void } = {},
): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const handle = connectDatabase(config.databaseUrl);
    await runMigrations(handle.pool);
    const url = new URL(config.databaseUrl);
    return {
      ...handle,
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      shutdown: handle.close,
    };
  }
  const server = await startEmbeddedPostgres(config.dataDir, options);
  try {
    await ensureDatabase(server.adminUrl, 'luoshi');
    const handle = connectDatabase(server.urlFor('luoshi'));
    await runMigrations(handle.pool);
    return {
      ...handle,
      description: `embedded PostgreSQL 15 with data in ${config.dataDir}`,
      shutdown: async () => {
        await handle.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
