import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client';
import { signInFailures } from './sign-in-failure.table';

export async function insertSignInFailure(
  executor: Executor,
  failure: { ip: string; username: string; at: Date },
): Promise<void> {
  await executor
    .insert(signInFailures)
    .values({ ...failure, username: failure.username.slice(0, 100) });
}

/** How many sign-ins failed from `ip` after `since`. */
export async function recentSignInFailures(
  executor: Executor,
  ip: string,
  since: Date,
): Promise<{ total: number }> {
  const [row] = await executor
    .select({ total: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.ip, ip), gt(signInFailures.at, since)));
  return { total: row?.total ?? 0 };
}

/** Forgets failures that no window can count any more. */
export async function deleteSignInFailuresBefore(executor: Executor, before: Date): Promise<void> {
  await executor.delete(signInFailures).where(lt(signInFailures.at, before));
}

/**
 * Reserves one failure of `ip` before its password is checked, or refuses when `limit` failures
 * after `since` are counted already: under a transaction-scoped advisory lock on the address, so
 * that parallel sign-ins from one address are counted one after the other and the limit is exact
 * (60 at once against a limit of 20: 20 are checked, 40 refused), across app processes too. A
 * sign-in that succeeds gives its reservation back (`releaseSignInFailure`); failures keep it.
 */
export async function reserveSignInFailure(
  executor: Database,
  failure: { ip: string; username: string; at: Date },
  since: Date,
  limit: number,
): Promise<{ id: number } | { refused: true; total: number }> {
  return executor.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`luoshi.sign_in.${failure.ip}`}, 0))`,
    );
    await tx.delete(signInFailures).where(lt(signInFailures.at, since));
    const { total } = await recentSignInFailures(tx, failure.ip, since);
    if (total >= limit) return { refused: true as const, total };
    const [row] = await tx
      .insert(signInFailures)
      .values({ ...failure, username: failure.username.slice(0, 100) })
      .returning({ id: signInFailures.id });
    if (!row) throw new Error('insert returned no failure');
    return { id: row.id };
  });
}

export async function releaseSignInFailure(executor: Executor, id: number): Promise<void> {
  await executor.delete(signInFailures).where(eq(signInFailures.id, id));
}
