import { buildApp } from './app';
import { warmDocumentWriters } from './io/document-writer-pool';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { handleSignalsYourself } from './db/embedded';
import { openDatabase } from './db/open';
import { bootstrap } from './modules/system/bootstrap.service';
import { createJobRunner } from './modules/jobs/job.runner';

const startedAt = Date.now();
const config = loadConfig();
const database = await openDatabase(config, { asAppRole: true });
const outcome = await bootstrap(database.db, systemClock, {
  seedFile: config.seedFile,
  maxFileBytes: config.uploadMaxBytes,
});
const jobs = createJobRunner({ db: database.db, clock: systemClock });
const app = await buildApp({ db: database.db, clock: systemClock, config, jobs });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await jobs.stop();
  await app.close();
  await database.shutdown();
  process.exit(0);
}
handleSignalsYourself();
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
warmDocumentWriters();
jobs.start(config.jobPollSeconds * 1000, app.log);
const url = `http://localhost:${config.port}`;
const lines = [
  '',
  `落实 Luoshi is ready at ${url}  (${((Date.now() - startedAt) / 1000).toFixed(1)} s; ${database.description})`,
];
if (outcome.kind === 'created') {
  const width = Math.max(...outcome.accounts.map((account) => account.username.length));
  lines.push(
    `First start: created「${outcome.organizationName}」${outcome.planTitle ? ` and imported「${outcome.planTitle}」` : ''}.`,
    `Sign in at ${url} with these one-time passwords (shown only once; each is replaced at the first sign-in):`,
    ...outcome.accounts.map(
      (account) =>
        `  ${account.username.padEnd(width)}  ${account.oneTimePassword}  ${account.displayName}`,
    ),
    'System admin: set-up and business users. Security admin: roles and accounts (binds an authenticator app first). Auditor: the audit log.',
  );
} else if (outcome.adminAwaitingFirstSignIn) {
  lines.push(
    `The administrator "${outcome.adminAwaitingFirstSignIn}" has not chosen a password yet. For a new one-time password run:`,
    `  npx luoshi user reset-password ${outcome.adminAwaitingFirstSignIn}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n\n`);
