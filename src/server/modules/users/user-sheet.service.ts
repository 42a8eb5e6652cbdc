import { queueMessages } from '../notifications/notification.outbox';
import type { UserImportResult } from '../../../shared/api/users';
import { AppError, formatErrorMessage, type Locale } from '../../../shared/errors';
import type { TableRow } from '../../../shared/plan-import/document-blocks';
import { grantableRoles } from '../../../shared/powers';
import {
  exampleUser,
  isUserSheetRefusal,
  readUserSheet,
  roleWord,
  type UserSheetReading,
  type UserSheetRefusal,
} from '../../../shared/users/user-sheet';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import type { Upload } from '../../http/upload';
import { defaultImportLimits, readDocumentBlocks } from '../../io/plan-document-reader';
import { writeDocument } from '../../io/document-writer-pool';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { listDepartments } from '../departments/department.repository';
import { generateOneTimePassword, hashPassword } from './password';
import { findTakenUsernames, insertUsers } from './user.repository';
import { toUserView } from './user.view';
import { assertMayGrantRole, assertRoleFitsOrganization, auditedUser } from './user.service';

export interface UserSheetDependencies {
  db: Database;
  clock: Clock;
  maxFileBytes?: number;
}

/** Hashes with at most this many at a time: argon2id takes ~19 MiB and tens of milliseconds each. */
const HASHING_CONCURRENCY = 4;

async function hashAll(passwords: readonly string[]): Promise<string[]> {
  const hashes: string[] = new Array(passwords.length);
  let next = 0;
  const worker = async () => {
    while (next < passwords.length) {
      const index = next++;
      hashes[index] = await hashPassword(passwords[index]!);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(HASHING_CONCURRENCY, passwords.length) }, worker),
  );
  return hashes;
}

/** The users sheet: its template, and creating everyone it names (checked first, then all or nothing). */
export function createUserSheetService({
  db,
  clock,
  maxFileBytes = defaultImportLimits.maxFileBytes,
}: UserSheetDependencies) {
  /** The tables of the uploaded file; only an Excel sheet (.xlsx, or .xls as 97–2003 saves it) is a users sheet. */
  async function tablesOf(upload: Upload): Promise<TableRow[][]> {
    const blocks = await readDocumentBlocks(upload, { ...defaultImportLimits, maxFileBytes });
    if (blocks.format !== 'xlsx' && blocks.format !== 'xls')
      throw new AppError('userSheet.not_xlsx');
    return blocks.blocks.flatMap((block) => (block.kind === 'table' ? [block.rows] : []));
  }

  /** The sheet read against the organization's departments and the names taken at this moment. */
  async function read(
    executor: Executor,
    actor: Actor,
    tables: TableRow[][],
  ): Promise<UserSheetReading> {
    const departments = await listDepartments(executor, actor.organizationId);
    let refusal: UserSheetRefusal | null = null;
    for (const rows of tables) {
      // First pass to learn the names the sheet uses, then the real one with those already taken.
      const draft = readUserSheet(rows, { departments, takenUsernames: new Set() });
      if (isUserSheetRefusal(draft)) {
        if (draft.code !== 'userSheet.header_not_found' || !refusal) refusal = draft;
        continue;
      }
      const named = [
        ...draft.entries.map((entry) => entry.username),
        ...draft.problems.map((problem) => problem.username),
      ].filter(Boolean);
      const reading = readUserSheet(rows, {
        departments,
        takenUsernames: await findTakenUsernames(executor, named),
      });
      if (isUserSheetRefusal(reading)) throw new AppError(reading.code, reading.params);
      for (const entry of reading.entries) assertMayGrantRole(actor, entry.role);
      await assertRoleFitsOrganization(
        executor,
        actor,
        new Set(reading.entries.map((entry) => entry.role)),
      );
      return reading;
    }
    const final = refusal ?? { code: 'userSheet.header_not_found' as const, params: {} };
    throw new AppError(final.code, final.params);
  }

  return {
    /** The .xlsx to fill in: the organization's departments and the roles in the drop-down lists. */
    async template(actor: Actor): Promise<{ fileName: string; bytes: Buffer }> {
      const departments = await listDepartments(db, actor.organizationId);
      const liaisonDepartment = departments[0]?.name ?? '';
      const bytes = await writeDocument('userTemplateXlsx', {
        roles: grantableRoles(actor.role).map(roleWord),
        departments: departments.map((department) => department.name),
        example: {
          ...exampleUser,
          role: roleWord(exampleUser.role),
          department: liaisonDepartment,
        },
      });
      return { fileName: '用户导入模板.xlsx', bytes };
    },

    /**
     * Reads an uploaded users sheet. With dryRun, who would be created and each row's problems;
     * otherwise, while any row has a problem nothing is created (userSheet.has_problems), and
     * when none has, everyone is created in one transaction with a one-time password each,
     * returned once (also as an .xlsx) and never stored in the clear.
     */
    async importSheet(
      actor: Actor,
      upload: Upload,
      options: { dryRun: boolean },
      locale: Locale = 'zh-CN',
    ): Promise<UserImportResult> {
      const tables = await tablesOf(upload);
      const worded = (reading: UserSheetReading) =>
        reading.problems.map((problem) => ({
          ...problem,
          message: formatErrorMessage(problem.code, problem.params, locale),
        }));
      const outcome = (reading: UserSheetReading): UserImportResult => ({
        created: false,
        fileName: upload.fileName,
        rowsRead: reading.rowsRead,
        exampleRow: reading.exampleRow,
        entries: reading.entries,
        problems: worded(reading),
        passwords: [],
        passwordsXlsx: null,
        users: [],
      });
      if (options.dryRun) return outcome(await read(db, actor, tables));

      // Hash outside the transaction (it is the slow part), against a first reading of the sheet.
      const first = await read(db, actor, tables);
      let passwords = first.entries.map(() => generateOneTimePassword());
      let hashes = first.problems.length === 0 ? await hashAll(passwords) : [];

      const created = await db.transaction(async (tx) => {
        const reading = await read(tx, actor, tables);
        if (reading.problems.length > 0) {
          throw new AppError('userSheet.has_problems', {
            count: reading.problems.length,
            rows: [...new Set(reading.problems.map((problem) => problem.row))].join('、'),
          });
        }
        // Someone changed departments or users between the two readings: issue for this one.
        if (JSON.stringify(reading.entries) !== JSON.stringify(first.entries)) {
          passwords = reading.entries.map(() => generateOneTimePassword());
          hashes = await hashAll(passwords);
        }
        const now = clock.now();
        // A name taken by someone else after the reading (the unique index is the judge): nobody is created.
        const users = await (async () => {
          try {
            return await insertUsers(
              tx,
              reading.entries.map((entry, index) => ({
                organizationId: actor.organizationId,
                username: entry.username,
                displayName: entry.displayName,
                role: entry.role,
                departmentId: entry.departmentId,
                email: entry.email,
                phone: entry.phone,
                passwordHash: hashes[index]!,
                mustChangePassword: true,
                createdAt: now,
                updatedAt: now,
              })),
            );
          } catch (error) {
            if (isUniqueViolation(error)) throw new AppError('userSheet.name_taken_meanwhile');
            throw error;
          }
        })();
        for (const user of users) {
          await queueMessages(tx, clock, {
            organizationId: actor.organizationId,
            kind: 'account.created',
            eventKey: user.id,
            to: { userIds: [user.id] },
            departmentId: user.departmentId,
            facts: { username: user.username },
          });
          await recordAudit(tx, clock, actor, {
            action: 'user.create',
            entityType: 'user',
            entityId: user.id,
            after: { ...auditedUser(user), via: 'sheet', fileName: upload.fileName },
          });
        }
        return { reading, users };
      });

      const byName = new Map(created.users.map((user) => [user.username.toLowerCase(), user]));
      const issued = created.reading.entries.map((entry, index) => ({
        username: entry.username,
        displayName: entry.displayName,
        oneTimePassword: passwords[index]!,
      }));
      return {
        ...outcome(created.reading),
        created: true,
        passwords: issued,
        passwordsXlsx: (await writeDocument('oneTimePasswordsXlsx', issued)).toString('base64'),
        users: created.reading.entries.map((entry) =>
          toUserView(byName.get(entry.username.toLowerCase())!),
        ),
      };
    },
  };
}

export type UserSheetService = ReturnType<typeof createUserSheetService>;
