import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { AppError, formatErrorMessage, type Locale } from '../shared/errors';
import { systemClock } from '../server/clock';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/client';
import { openDatabase } from '../server/db/open';
import { readPlanDocument } from '../server/io/plan-document-reader';
import { systemActor } from '../server/modules/auth/actor';
import { createPlanImportService } from '../server/modules/imports/plan-import.service';
import { listOrganizations } from '../server/modules/organizations/organization.repository';
import { issueOneTimePassword } from '../server/modules/users/user.service';
import { findUserByUsername } from '../server/modules/users/user.repository';

/** Exit codes: 0 done, 2 the input or request was refused (nothing changed), 1 anything else. */
const EXIT_REFUSED = 2;

function cliLocale(): Locale {
  const chosen = process.env.LUOSHI_LANG ?? process.env.LC_ALL ?? process.env.LANG ?? '';
  return chosen.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

class CliRefusal extends Error {}

async function withDatabase<T>(action: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const database = await openDatabase(config);
  try {
    return await action(database.db);
  } finally {
    await database.shutdown();
  }
}

/** The organization to act in: the one given, or the only one there is. */
async function pickOrganization(db: Database, requested: string | undefined): Promise<string> {
  const organizations = await listOrganizations(db);
  if (requested) {
    const found = organizations.find((organization) => organization.id === requested || organization.name === requested);
    if (!found) throw new AppError('organization.not_found');
    return found.id;
  }
  if (organizations.length === 1) return organizations[0]!.id;
  throw new CliRefusal(
    organizations.length === 0
      ? 'No organization yet: run `npm start` once, or name one with --organization.'
      : `Several organizations: name one with --organization (${organizations.map((organization) => organization.name).join(', ')}).`,
  );
}

async function readInputFile(file: string): Promise<{ fileName: string; bytes: Buffer }> {
  try {
    return { fileName: path.basename(file), bytes: await readFile(file) };
  } catch (error) {
    throw new CliRefusal(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

const program = new Command()
  .name('luoshi')
  .description('落实 Luoshi: import plans, manage users (the same services as the web app)')
  .exitOverride();

program
  .command('import')
  .description('Import a work plan (.txt, .docx or .xlsx) into the database, or only parse it with --dry-run')
  .argument('<file>', 'the plan document')
  .option('--dry-run', 'parse and print what would be imported; write nothing')
  .option('--json', 'print the result as JSON')
  .option('--organization <id-or-name>', 'the organization to import into (when there are several)')
  .action(async (file: string, options: { dryRun?: boolean; json?: boolean; organization?: string }) => {
    const upload = await readInputFile(file);
    if (options.dryRun) {
      const parse = await readPlanDocument(upload);
      if (options.json) process.stdout.write(`${JSON.stringify(parse, null, 2)}\n`);
      else process.stdout.write(`${parse.title ?? upload.fileName}: ${parse.items.length} items, ${parse.phases.length} phases, ${parse.departments.length} departments\n`);
      return;
    }
    const result = await withDatabase(async (db) => {
      const organizationId = await pickOrganization(db, options.organization);
      const imports = createPlanImportService({ db, clock: systemClock, maxFileBytes: loadConfig().uploadMaxBytes });
      return imports.import(systemActor(organizationId), upload);
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (result.created) {
      process.stdout.write(`Imported plan ${result.planId}: ${result.parse.items.length} items; new departments: ${result.createdDepartments.length}\n`);
    } else {
      process.stdout.write(`Already imported as plan ${result.planId}; nothing changed.\n`);
    }
  });

const user = program.command('user').description('Manage users');
user
  .command('reset-password')
  .description('Give a user a new one-time password (they choose their own at the next sign-in)')
  .argument('<username>')
  .action(async (username: string) => {
    const oneTimePassword = await withDatabase(async (db) => {
      const found = await findUserByUsername(db, username);
      if (!found) throw new AppError('user.not_found');
      return db.transaction(async (tx) => (await issueOneTimePassword(tx, systemClock, systemActor(found.organizationId), found)).oneTimePassword);
    });
    process.stdout.write(`One-time password for "${username}": ${oneTimePassword}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_REFUSED);
  if (error instanceof AppError) {
    process.stderr.write(`luoshi: ${error.code}: ${formatErrorMessage(error.code, error.params, cliLocale())}\n`);
    process.exit(EXIT_REFUSED);
  }
  if (error instanceof CliRefusal) {
    process.stderr.write(`luoshi: ${error.message}\n`);
    process.exit(EXIT_REFUSED);
  }
  process.stderr.write(`luoshi: ${(error as Error).message}\n`);
  process.exit(1);
}
