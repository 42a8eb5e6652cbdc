import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import type { AppConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/clock';
import { createJobRunner } from '../../src/server/modules/jobs/job.runner';
import { bootstrap, type InitialAccount } from '../../src/server/modules/system/bootstrap.service';
import { createTestDatabase, type TestDatabase } from './database';
import { removeTestEvidence, seedPlanFile, testConfig } from './test-app';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  /** The first administrator's one-time password, as `npm start` prints it. */
  username: string;
  oneTimePassword: string;
  /** The three powers' first accounts (system admin, security admin, auditor) with their one-time passwords. */
  accounts: InitialAccount[];
  close(): Promise<void>;
}

/**
 * The app as `npm start` makes it — first-start bootstrap with the bundled plan, the built web
 * app — listening on a free loopback port, on a database of its own.
 */
export async function startTestServer(
  options: { port?: number; config?: Partial<AppConfig> } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = testConfig({ seedFile: seedPlanFile, ...options.config });
  const outcome = await bootstrap(database.db, systemClock, {
    seedFile: config.seedFile,
    maxFileBytes: config.uploadMaxBytes,
  });
  if (outcome.kind !== 'created') throw new Error('a fresh database must bootstrap');
  // Jobs run as under `npm start`: a runner polling in the background (quickly, for tests).
  const jobs = createJobRunner({ db: database.db, clock: systemClock });
  const app = await buildApp(
    { db: database.db, clock: systemClock, config, jobs, mailer: null },
    { logger: false },
  );
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  jobs.start(200, app.log);
  return {
    url: address,
    app,
    database,
    username: outcome.username,
    oneTimePassword: outcome.oneTimePassword,
    accounts: outcome.accounts,
    async close() {
      await jobs.stop();
      await app.close();
      await database.destroy();
      removeTestEvidence(config);
    },
  };
}
