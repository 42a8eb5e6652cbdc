import type { AppConfig } from '../config';
import { connectDatabase, type DatabaseHandle } from './client';
import { ensureDatabase, startEmbeddedPostgres } from './embedded';
import { runMigrations } from './migrate';
import { APP_ROLE, ensureAppRole } from './app-role';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface OpenedDatabase extends DatabaseHandle {
  /** Where it is, without the password, for logs. */
  description: string;
  /** Closes the pool and stops the embedded server, if one was started. */
  shutdown(): Promise<void>;
}

/** The external PostgreSQL of DATABASE_URL, or the embedded one under DATA_DIR; migrated. */
export async function openDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  options: {
    log?: (line: string) => void;
    /**
     * The running app (main.ts): on the embedded server, migrate as the owner, then connect as
     * the unprivileged `luoshi_app` (db/app-role.ts). The CLI keeps the owner (restore rebuilds the schema).
     */
    asAppRole?: boolean;
  } = {},
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
    const owner = connectDatabase(server.urlFor('luoshi'));
    await runMigrations(owner.pool);
    let handle = owner;
    if (options.asAppRole) {
      const password = await appRolePassword(config.dataDir);
      await ensureAppRole(owner.pool, APP_ROLE, password);
      await owner.close();
      handle = connectDatabase(server.urlForRole(APP_ROLE, password, 'luoshi'));
    }
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

/** The app role's password, made at its first start and kept beside the server's (mode 600). */
async function appRolePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.app-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}
