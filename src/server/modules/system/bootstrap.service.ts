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

export type BootstrapOutcome =
  | { kind: 'created'; organizationName: string; username: string; oneTimePassword: string; planTitle: string | null }
  | { kind: 'existing'; adminAwaitingFirstSignIn: string | null };

export const INITIAL_ADMIN = 'admin';

/**
 * On an empty database: one organization, its administrator with a one-time password, and
 * the bundled plan imported. On a database in use: nothing, but say whether no administrator
 * has chosen a password yet (the one-time password cannot be shown again).
 */
export async function bootstrap(db: Database, clock: Clock, options: { seedFile: string | null; maxFileBytes: number }): Promise<BootstrapOutcome> {
  if ((await listOrganizations(db)).length > 0) return existing(db);

  const seed = options.seedFile
    ? { fileName: path.basename(options.seedFile), bytes: await readFile(options.seedFile) }
    : null;
  const parse = seed ? await readPlanDocument(seed, { limits: { maxFileBytes: options.maxFileBytes } }) : null;
  const organizationName = parse?.organizationName ?? 'Luoshi';
  const oneTimePassword = generateOneTimePassword();

  const organization = await db.transaction(async (tx) => {
    // Several app processes may start on one empty database at once: one of them sets it up.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('luoshi:bootstrap'))`);
    if ((await listOrganizations(tx)).length > 0) return null;
    const created = await insertOrganization(tx, { name: organizationName });
    const admin = await insertUser(tx, {
      organizationId: created.id,
      username: INITIAL_ADMIN,
      displayName: '系统管理员',
      role: 'admin',
      passwordHash: await hashPassword(oneTimePassword),
      mustChangePassword: true,
    });
    const actor = systemActor(created.id);
    await recordAudit(tx, clock, actor, { action: 'organization.create', entityType: 'organization', entityId: created.id, after: created });
    await recordAudit(tx, clock, actor, { action: 'user.create', entityType: 'user', entityId: admin.id, after: { username: admin.username, role: admin.role } });
    return created;
  });

  if (!organization) return existing(db);

  let planTitle: string | null = null;
  if (seed) {
    const imports = createPlanImportService({ db, clock, maxFileBytes: options.maxFileBytes });
    const result = await imports.import(systemActor(organization.id), seed);
    planTitle = result.parse.title;
  }
  return { kind: 'created', organizationName, username: INITIAL_ADMIN, oneTimePassword, planTitle };
}

/** A database in use: whether an administrator has still to choose a password (the one-time one cannot be shown again). */
async function existing(db: Database): Promise<BootstrapOutcome> {
  const [waiting] = await db
    .select({ username: users.username })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.mustChangePassword, true), isNull(users.passwordChangedAt)))
    .limit(1);
  return { kind: 'existing', adminAwaitingFirstSignIn: waiting?.username ?? null };
}
