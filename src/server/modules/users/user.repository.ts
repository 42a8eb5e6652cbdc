import { and, asc, eq, max, ne, sql } from 'drizzle-orm';
import type { Role } from '../../../shared/roles';
import type { Executor } from '../../db/client';
import { users, type User } from './user.table';

export type NewUser = typeof users.$inferInsert;

export async function findUserByUsername(
  executor: Executor,
  username: string,
): Promise<User | undefined> {
  const [row] = await executor
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

export async function findUserInOrganization(
  executor: Executor,
  organizationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<User | undefined> {
  const query = executor
    .select()
    .from(users)
    .where(and(eq(users.organizationId, organizationId), eq(users.id, id)));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row;
}

/** How many active accounts of the organization other than `exceptId` have `role`. */
export async function countActiveUsersWithRole(
  executor: Executor,
  organizationId: string,
  role: Role,
  exceptId: string,
): Promise<number> {
  const [row] = await executor
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(
      and(
        eq(users.organizationId, organizationId),
        eq(users.role, role),
        eq(users.disabled, false),
        ne(users.id, exceptId),
      ),
    );
  return row?.count ?? 0;
}

/**
 * Serializes changes of accounts' roles and states in one organization until the transaction
 * ends, so that two concurrent edits cannot each leave the other as the last security admin.
 */
export async function lockAccountsOf(executor: Executor, organizationId: string): Promise<void> {
  await executor.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`luoshi:accounts:${organizationId}`}))`,
  );
}

/**
 * The organization's latest sign-in (null before the first): a sign-in raises no data version
 * (migration 0031), so the users list, which shows each account's last sign-in, is kept under it too.
 */
export async function latestSignInOf(
  executor: Executor,
  organizationId: string,
): Promise<Date | null> {
  const [row] = await executor
    .select({ at: max(users.lastSignInAt) })
    .from(users)
    .where(eq(users.organizationId, organizationId));
  return row?.at ?? null;
}

export async function listUsersOfOrganization(
  executor: Executor,
  organizationId: string,
): Promise<User[]> {
  return executor
    .select()
    .from(users)
    .where(eq(users.organizationId, organizationId))
    .orderBy(asc(users.role), asc(users.username));
}

export async function insertUser(executor: Executor, user: NewUser): Promise<User> {
  const [row] = await executor.insert(users).values(user).returning();
  if (!row) throw new Error('insert returned no user');
  return row;
}

export async function updateUser(
  executor: Executor,
  id: string,
  changes: Partial<NewUser>,
): Promise<User> {
  const [row] = await executor
    .update(users)
    .set({ ...changes, version: sql`${users.version} + 1` })
    .where(eq(users.id, id))
    .returning();
  if (!row) throw new Error('update matched no user');
  return row;
}

/**
 * Counts one more failed sign-in; the `limit`-th locks the account until `lockUntil` and starts
 * the count again. Row-locked, so concurrent failures are all counted. Not an edit: no new version.
 */
export async function countFailedSignIn(
  executor: Executor,
  id: string,
  limit: number,
  lockUntil: Date,
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const [row] = await executor
    .update(users)
    .set({
      failedSignIns: sql`case when ${users.failedSignIns} + 1 >= ${limit} then 0 else ${users.failedSignIns} + 1 end`,
      lockedUntil: sql`case when ${users.failedSignIns} + 1 >= ${limit} then ${lockUntil.toISOString()}::timestamptz else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, id))
    .returning({ failedSignIns: users.failedSignIns, lockedUntil: users.lockedUntil });
  if (!row) throw new Error('update matched no user');
  const locked = row.failedSignIns === 0;
  return {
    failures: locked ? limit : row.failedSignIns,
    lockedUntil: locked ? row.lockedUntil : null,
  };
}

/** Accepts TOTP time step `step` once: false when it (or a later one) was accepted before. */
export async function claimTotpStep(
  executor: Executor,
  id: string,
  step: number,
): Promise<boolean> {
  const rows = await executor
    .update(users)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(users.id, id),
        sql`(${users.totpLastStep} is null or ${users.totpLastStep} < ${step})`,
      ),
    )
    .returning({ id: users.id });
  return rows.length === 1;
}

/** Which of these user names (any case) are taken anywhere in the deployment, lower-cased. */
export async function findTakenUsernames(
  executor: Executor,
  usernames: readonly string[],
): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const lowered = [...new Set(usernames.map((name) => name.toLowerCase()))];
  const rows = await executor
    .select({ username: sql<string>`lower(${users.username})` })
    .from(users)
    .where(
      sql`lower(${users.username}) in (${sql.join(
        lowered.map((name) => sql`${name}`),
        sql`, `,
      )})`,
    );
  return new Set(rows.map((row) => row.username));
}

export async function insertUsers(executor: Executor, values: NewUser[]): Promise<User[]> {
  if (values.length === 0) return [];
  return executor.insert(users).values(values).returning();
}
