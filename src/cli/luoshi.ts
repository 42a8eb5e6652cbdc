import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { readColumnMapping } from '../shared/plan-import/column-mapping';
import { AppError, formatBytes, formatErrorMessage, type Locale } from '../shared/errors';
import { systemClock } from '../server/clock';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/client';
import { openDatabase } from '../server/db/open';
import { readPlanDocument } from '../server/io/plan-document-reader';
import { systemActor } from '../server/modules/auth/actor';
import { createPlanImportService } from '../server/modules/imports/plan-import.service';
import { listOrganizations } from '../server/modules/organizations/organization.repository';
import type { Organization } from '../server/modules/organizations/organization.table';
import { createOversightAdmin } from '../server/modules/oversight/oversight.service';
import { roleFitsOrganization } from '../shared/oversight/organization-roles';
import { issueOneTimePassword } from '../server/modules/users/user.service';
import { findUserByUsername } from '../server/modules/users/user.repository';
import { createUserService } from '../server/modules/users/user.service';
import { listDepartments } from '../server/modules/departments/department.repository';
import { createUserBodySchema } from '../shared/api/contracts';
import type { UserImportResult } from '../shared/api/users';
import { roleOfWord, roleWord, roleWords } from '../shared/users/user-sheet';
import type pg from 'pg';
import {
  createBackup,
  readBackupSecret,
  restoreBackup,
} from '../server/modules/backup/backup.service';
import type { EvidenceStore } from '../server/modules/evidence/evidence.store';
import { evidenceStoreFromConfig } from '../server/modules/evidence/evidence.s3-store';
import { roles } from '../shared/roles';

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

/** The organization to act in: the one given, or the only one there is of the kind wanted (an institution, unless said). */
async function pickOrganization(
  db: Database,
  requested: string | undefined,
  kind: Organization['kind'] = 'institution',
): Promise<string> {
  const all = await listOrganizations(db);
  if (requested) {
    const found = all.find(
      (organization) => organization.id === requested || organization.name === requested,
    );
    if (!found) throw new AppError('organization.not_found');
    return found.id;
  }
  const organizations = all.filter((organization) => organization.kind === kind);
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
    throw new CliRefusal(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

const program = new Command()
  .name('luoshi')
  .description(
    '落实 Luoshi: import plans, manage users, back up and restore (the same services as the web app)',
  )
  .exitOverride();

program
  .command('import')
  .description(
    'Import a work plan (.txt, .docx, .xlsx, .doc or .xls) into the database, or only parse it with --dry-run',
  )
  .argument('<file>', 'the plan document')
  .option('--dry-run', 'parse and print what would be imported; write nothing')
  .option('--json', 'print the result as JSON')
  .option('--organization <id-or-name>', 'the organization to import into (when there are several)')
  .option(
    '--columns <meanings>',
    "each column's meaning from the left where detection guesses wrong: number, level1..level4, content, focus, departments, lead, support, leader, measures, deadline, or - to keep it as it is (e.g. number,content,lead,support,deadline,-)",
  )
  .option('--header-row <n>', "the header's row in the plan's first table (1-based)", Number)
  .action(
    async (
      file: string,
      options: {
        dryRun?: boolean;
        json?: boolean;
        organization?: string;
        columns?: string;
        headerRow?: number;
      },
    ) => {
      const upload = {
        ...(await readInputFile(file)),
        mapping: readColumnMapping(options.columns, options.headerRow),
      };
      if (options.dryRun) {
        const parse = await readPlanDocument(upload, { mapping: upload.mapping });
        if (options.json) process.stdout.write(`${JSON.stringify(parse, null, 2)}\n`);
        else
          process.stdout.write(
            `${parse.title ?? upload.fileName}: ${parse.items.length} items, ${parse.phases.length} phases, ${parse.departments.length} departments\n`,
          );
        return;
      }
      const result = await withDatabase(async (db) => {
        const organizationId = await pickOrganization(db, options.organization);
        const imports = createPlanImportService({
          db,
          clock: systemClock,
          maxFileBytes: loadConfig().uploadMaxBytes,
        });
        return imports.import(systemActor(organizationId), upload);
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (result.created) {
        process.stdout.write(
          `Imported plan ${result.planId}: ${result.parse.items.length} items; new departments: ${result.createdDepartments.length}\n`,
        );
      } else {
        process.stdout.write(`Already imported as plan ${result.planId}; nothing changed.\n`);
      }
    },
  );

const user = program.command('user').description('Manage users');
user
  .command('reset-password')
  .description('Give a user a new one-time password (they choose their own at the next sign-in)')
  .argument('<username>')
  .action(async (username: string) => {
    const oneTimePassword = await withDatabase(async (db) => {
      const found = await findUserByUsername(db, username);
      if (!found) throw new AppError('user.not_found');
      return db.transaction(
        async (tx) =>
          (
            await issueOneTimePassword(
              tx,
              systemClock,
              systemActor(found.organizationId, 'security_admin'),
              found,
            )
          ).oneTimePassword,
      );
    });
    process.stdout.write(`One-time password for "${username}": ${oneTimePassword}\n`);
  });

user
  .command('create')
  .description(
    'Create a user with a one-time password, printed once (they choose their own at the first sign-in)',
  )
  .argument('<username>', 'the sign-in name: letters, digits and . _ @ -')
  .requiredOption('--name <display-name>', 'the name shown in Luoshi, e.g. 王老师')
  .requiredOption('--role <role>', `one of: ${roleWords.join(', ')} (or ${roles.join(', ')})`)
  .option('--department <name>', 'the department (a liaison must have one), by name or alias')
  .option('--email <address>')
  .option('--phone <number>')
  .option('--organization <id-or-name>', 'the organization (when there are several)')
  .action(
    async (
      username: string,
      options: {
        name: string;
        role: string;
        department?: string;
        email?: string;
        phone?: string;
        organization?: string;
      },
    ) => {
      const role = roleOfWord(options.role);
      if (!role)
        throw new CliRefusal(`Unknown role "${options.role}": use one of ${roleWords.join(', ')}.`);
      const created = await withDatabase(async (db) => {
        const organizationId = await pickOrganization(
          db,
          options.organization,
          role === 'overseer' ? 'supervisor' : 'institution',
        );
        const organization = (await listOrganizations(db)).find(
          (candidate) => candidate.id === organizationId,
        )!;
        if (!roleFitsOrganization(role, organization.kind))
          throw new AppError('oversight.role_mismatch');
        let departmentId: string | null = null;
        if (options.department) {
          const wanted = options.department.trim();
          const found = (await listDepartments(db, organizationId)).find(
            (department) => department.name === wanted || department.aliases.includes(wanted),
          );
          if (!found) throw new AppError('department.not_found');
          departmentId = found.id;
        }
        const input = createUserBodySchema.safeParse({
          username,
          displayName: options.name,
          role,
          departmentId,
          email: options.email ?? null,
          phone: options.phone ?? null,
        });
        if (!input.success)
          throw new AppError(
            'request.invalid',
            {},
            input.error.issues.map((issue) => ({
              path: issue.path.join('.'),
              message: issue.message,
            })),
          );
        // The operator of the server may create every role, the three powers' included.
        return createUserService({ db, clock: systemClock }).create(
          systemActor(organizationId, 'security_admin'),
          input.data,
        );
      });
      process.stdout.write(
        `Created "${created.user.username}" (${created.user.displayName}, ${roleWord(created.user.role)}).\nOne-time password: ${created.oneTimePassword}\n首次登录后需修改密码 (it must be changed at the first sign-in; it is not shown again).\n`,
      );
    },
  );

user
  .command('list')
  .description('List the users of the organization')
  .option('--json', 'print the users as JSON')
  .option('--organization <id-or-name>', 'the organization (when there are several)')
  .action(async (options: { json?: boolean; organization?: string }) => {
    const { listed, departmentNames } = await withDatabase(async (db) => {
      const organizationId = await pickOrganization(db, options.organization);
      const departments = await listDepartments(db, organizationId);
      return {
        listed: await createUserService({ db, clock: systemClock }).list(
          systemActor(organizationId),
        ),
        departmentNames: new Map(departments.map((department) => [department.id, department.name])),
      };
    });
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(
          listed.map((entry) => ({
            ...entry,
            departmentName: entry.departmentId
              ? (departmentNames.get(entry.departmentId) ?? null)
              : null,
          })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    for (const entry of listed) {
      const department = entry.departmentId ? (departmentNames.get(entry.departmentId) ?? '') : '';
      const state = [
        entry.disabled ? 'disabled' : '',
        entry.mustChangePassword ? 'must change password' : '',
      ]
        .filter(Boolean)
        .join(', ');
      process.stdout.write(
        [
          entry.username,
          entry.displayName,
          roleWord(entry.role),
          department,
          entry.email ?? '',
          entry.lastSignInAt ?? 'never signed in',
          state,
        ].join('\t') + '\n',
      );
    }
    process.stdout.write(`${listed.length} users\n`);
  });

user
  .command('import')
  .description(
    'Create the users of a filled-in users sheet (.xlsx: 用户名 姓名 角色 所属部门 邮箱 电话), all or nothing; --dry-run only checks it',
  )
  .argument('<file>', 'the users sheet (.xlsx)')
  .option('--dry-run', 'check every row and print who would be created; create nobody')
  .option('--json', 'print the result as JSON')
  .option(
    '--passwords-out <file>',
    'also write the one-time passwords to this .xlsx (用户名 / 姓名 / 一次性密码)',
  )
  .option('--organization <id-or-name>', 'the organization (when there are several)')
  .action(
    async (
      file: string,
      options: { dryRun?: boolean; json?: boolean; passwordsOut?: string; organization?: string },
    ) => {
      const upload = await readInputFile(file);
      const locale = cliLocale();
      const result = await withDatabase(async (db): Promise<UserImportResult> => {
        const organizationId = await pickOrganization(db, options.organization);
        const service = createUserService({ db, clock: systemClock });
        const checked = await service.importSheet(
          systemActor(organizationId),
          upload,
          { dryRun: true },
          locale,
        );
        if (options.dryRun || checked.problems.length > 0) return checked;
        return service.importSheet(systemActor(organizationId), upload, { dryRun: false }, locale);
      });
      if (options.json)
        process.stdout.write(
          `${JSON.stringify({ ...result, passwordsXlsx: undefined }, null, 2)}\n`,
        );
      else if (!result.created) {
        for (const problem of result.problems)
          process.stdout.write(`row ${problem.row}\t${problem.username}\t${problem.message}\n`);
        process.stdout.write(
          `${result.fileName}: ${result.rowsRead} rows, ${result.entries.length} users would be created, ${result.problems.length} problems.\n`,
        );
      } else {
        for (const entry of result.passwords)
          process.stdout.write(
            `${entry.username}\t${entry.displayName}\t${entry.oneTimePassword}\n`,
          );
        process.stdout.write(
          `Created ${result.users.length} users. The one-time passwords above are not shown again; 首次登录后需修改密码.\n`,
        );
      }
      if (result.created && options.passwordsOut)
        await writeFile(options.passwordsOut, Buffer.from(result.passwordsXlsx!, 'base64'), {
          mode: 0o600,
        });
      if (result.problems.length > 0) {
        process.stderr.write(
          `luoshi: userSheet.has_problems: ${result.problems.length} problems; nobody was created.\n`,
        );
        process.exitCode = EXIT_REFUSED;
      }
    },
  );

/** The database (migrated) and the evidence store the configuration names, for backup and restore. */
async function withDatabaseAndStore<T>(
  action: (dependencies: { pool: pg.Pool; store: EvidenceStore }) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const database = await openDatabase(config);
  try {
    return await action({
      pool: database.pool,
      store: evidenceStoreFromConfig(config, systemClock),
    });
  } finally {
    await database.shutdown();
  }
}

interface SecretOptions {
  passphraseFile?: string;
  keyFile?: string;
}

/**
 * The backup's passphrase or key: from --passphrase-file / --key-file, else from
 * LUOSHI_BACKUP_PASSPHRASE_FILE / LUOSHI_BACKUP_KEY_FILE. Only files: a passphrase on the
 * command line would be in `ps` and the shell's history.
 */
function backupSecret(options: SecretOptions) {
  const given = options.passphraseFile !== undefined || options.keyFile !== undefined;
  return readBackupSecret(
    given
      ? options
      : {
          passphraseFile: process.env.LUOSHI_BACKUP_PASSPHRASE_FILE || undefined,
          keyFile: process.env.LUOSHI_BACKUP_KEY_FILE || undefined,
        },
  );
}

program
  .command('backup')
  .description(
    'Write the whole database and the evidence files to one archive (.tar) with checksums, from one consistent snapshot; the app may keep running. With a passphrase or key file the archive is encrypted (AES-256-GCM)',
  )
  .argument('<file>', 'the archive to write, e.g. luoshi-2026-11-25.tar (must not exist yet)')
  .option(
    '--passphrase-file <file>',
    'encrypt with the passphrase in this file (at least 12 characters; default: $LUOSHI_BACKUP_PASSPHRASE_FILE)',
  )
  .option(
    '--key-file <file>',
    'encrypt with the 32-byte key in this file (e.g. from openssl rand -hex 32; default: $LUOSHI_BACKUP_KEY_FILE)',
  )
  .action(async (file: string, options: SecretOptions) => {
    const started = Date.now();
    const secret = await backupSecret(options);
    const summary = await withDatabaseAndStore(({ pool, store }) =>
      createBackup({ pool, store, clock: systemClock }, path.resolve(file), { secret }),
    );
    process.stdout.write(
      `Backed up ${summary.tables} tables (${summary.rows} rows) and ${summary.evidenceFiles} evidence files (${formatBytes(summary.evidenceBytes)}) to ${summary.file}${summary.encrypted ? ' (encrypted)' : ''}: ${formatBytes(summary.bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  });

program
  .command('restore')
  .description(
    'Check every checksum of a backup archive, then replace the database and add the evidence files from it, all or nothing',
  )
  .argument('<file>', 'the archive written by `luoshi backup`')
  .option('--force', 'replace a database that already holds data (everything in it is replaced)')
  .option(
    '--passphrase-file <file>',
    'the passphrase an encrypted archive was made with (default: $LUOSHI_BACKUP_PASSPHRASE_FILE)',
  )
  .option(
    '--key-file <file>',
    'the key file an encrypted archive was made with (default: $LUOSHI_BACKUP_KEY_FILE)',
  )
  .action(async (file: string, options: { force?: boolean } & SecretOptions) => {
    const started = Date.now();
    const secret = await backupSecret(options);
    const summary = await withDatabaseAndStore(({ pool, store }) =>
      restoreBackup({ pool, store }, path.resolve(file), {
        force: options.force === true,
        secret,
      }),
    );
    process.stdout.write(
      `Restored ${summary.tables} tables (${summary.rows} rows) and ${summary.evidenceFiles} evidence files in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  });

const org = program
  .command('org')
  .description('Supervising organizations (上级主管部门) and the institutions they oversee');
org
  .command('create-supervisor')
  .description(
    "Create a supervising organization, e.g. a province's education office; its overseers see the institutions linked to it",
  )
  .requiredOption('--name <name>', 'e.g. 某省教育厅')
  .action(async (options: { name: string }) => {
    const created = await withDatabase(async (db) =>
      createOversightAdmin({ db, clock: systemClock }).createSupervisor(options.name),
    );
    process.stdout.write(
      `Created supervising organization "${created.name}" (${created.id}).\nNext: luoshi org link --supervisor ${created.id} --institution <id-or-name>, then luoshi user create … --role overseer --organization ${created.id}\n`,
    );
  });
org
  .command('link')
  .description('Put an institution under a supervising organization (replacing any earlier one)')
  .requiredOption('--supervisor <id-or-name>', 'the supervising organization')
  .requiredOption('--institution <id-or-name>', 'the institution it oversees')
  .action(async (options: { supervisor: string; institution: string }) => {
    const { supervisor, institution } = await withDatabase(async (db) =>
      createOversightAdmin({ db, clock: systemClock }).link(
        options.supervisor,
        options.institution,
      ),
    );
    process.stdout.write(
      `"${institution.name}" is now overseen by "${supervisor.name}"; its figures appear in the overview after the next refresh.\n`,
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_REFUSED);
  if (error instanceof AppError) {
    process.stderr.write(
      `luoshi: ${error.code}: ${formatErrorMessage(error.code, error.params, cliLocale())}\n`,
    );
    process.exit(EXIT_REFUSED);
  }
  if (error instanceof CliRefusal) {
    process.stderr.write(`luoshi: ${error.message}\n`);
    process.exit(EXIT_REFUSED);
  }
  process.stderr.write(`luoshi: ${(error as Error).message}\n`);
  process.exit(1);
}
