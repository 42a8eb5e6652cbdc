import { and, count, eq, gt, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client';
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
