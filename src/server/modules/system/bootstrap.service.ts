import { and, eq, isNull, sql } from 'drizzle-orm';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { readPlanDocument } from '../../io/plan-document-reader';
import { recordAudit } from '../audit/audit.service';
import { systemActor } from '../auth/actor';
import { createPlanImportService } from '../imports/plan-import.service';
import { insertOrganization, listOrganizations } from '../organizations/organization.repository';
import { generateOneTimePassword, hashPassword } from '../users/password';
import { insertUser } from '../users/user.repository';
import { users } from '../users/user.table';
import type { Role } from '../../../shared/roles';

/** One of the first accounts, with its one-time password (shown once, never stored in the clear). */
export interface InitialAccount {
  username: string;
  displayName: string;
  role: Role;
  oneTimePassword: string;
}

export type BootstrapOutcome =
  | {
      kind: 'created';
      organizationName: string;
      /** The system admin's: the same as accounts[0]. */
      username: string;
      oneTimePassword: string;
      /** The three powers (三权分立): system admin, security admin, auditor. */
      accounts: InitialAccount[];
      planTitle: string | null;
    }
  | { kind: 'existing'; adminAwaitingFirstSignIn: string | null };

export const INITIAL_ADMIN = 'admin';
/** The first accounts: one per power, so that no account ever needs to hold two. */
export const INITIAL_ACCOUNTS: readonly { username: string; displayName: string; role: Role }[] = [
  { username: INITIAL_ADMIN, displayName: '系统管理员', role: 'admin' },
  { username: 'secadmin', displayName: '安全管理员', role: 'security_admin' },
  { username: 'auditor', displayName: '安全审计员', role: 'auditor' },
];

/**
 * On an empty database: one organization, its three powers' accounts (system admin, security
 * admin, auditor) with one-time passwords, and the bundled plan imported. On a database in use: nothing, but say whether no administrator
 * has chosen a password yet (the one-time password cannot be shown again).
 */
export async function bootstrap(
  db: Database,
  clock: Clock,
  options: { seedFile: string | null; maxFileBytes: number },
): Promise<BootstrapOutcome> {
  if ((await listOrganizations(db)).length > 0) return existing(db);

  const seed = options.seedFile
    ? { fileName: path.basename(options.seedFile), bytes: await readFile(options.seedFile) }
    : null;
  const parse = seed
    ? await readPlanDocument(seed, { limits: { maxFileBytes: options.maxFileBytes } })
    : null;
  const organizationName = parse?.organizationName ?? 'Luoshi';
  const accounts: InitialAccount[] = INITIAL_ACCOUNTS.map((account) => ({
    ...account,
    oneTimePassword: generateOneTimePassword(),
  }));
  const hashes = await Promise.all(
    accounts.map((account) => hashPassword(account.oneTimePassword)),
  );

  const organization = await db.transaction(async (tx) => {
    // Several app processes may start on one empty database at once: one of them sets it up.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('luoshi:bootstrap'))`);
    if ((await listOrganizations(tx)).length > 0) return null;
    const created = await insertOrganization(tx, { name: organizationName });
    const actor = systemActor(created.id);
    await recordAudit(tx, clock, actor, {
      action: 'organization.create',
      entityType: 'organization',
      entityId: created.id,
      after: created,
    });
    for (const [index, account] of accounts.entries()) {
      const user = await insertUser(tx, {
        organizationId: created.id,
        username: account.username,
        displayName: account.displayName,
        role: account.role,
        passwordHash: hashes[index]!,
        mustChangePassword: true,
      });
      await recordAudit(tx, clock, actor, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        after: { username: user.username, role: user.role },
      });
    }
    return created;
  });

  if (!organization) return existing(db);

  let planTitle: string | null = null;
  if (seed) {
    const imports = createPlanImportService({ db, clock, maxFileBytes: options.maxFileBytes });
    const result = await imports.import(systemActor(organization.id), seed);
    planTitle = result.parse.title;
  }
  return {
    kind: 'created',
    organizationName,
    username: INITIAL_ADMIN,
    oneTimePassword: accounts[0]!.oneTimePassword,
    accounts,
    planTitle,
  };
}

/** A database in use: whether an administrator has still to choose a password (the one-time one cannot be shown again). */
async function existing(db: Database): Promise<BootstrapOutcome> {
  const [waiting] = await db
    .select({ username: users.username })
    .from(users)
    .where(
      and(
        eq(users.role, 'admin'),
        eq(users.mustChangePassword, true),
        isNull(users.passwordChangedAt),
      ),
    )
    .limit(1);
  return { kind: 'existing', adminAwaitingFirstSignIn: waiting?.username ?? null };
}
