import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { users } from '../users/user.table';
import { sessions } from './session.table';

export type NewSession = typeof sessions.$inferInsert;

export async function insertSession(executor: Executor, session: NewSession): Promise<void> {
  await executor.insert(sessions).values(session);
}

export async function findSessionWithUser(executor: Executor, tokenHash: string) {
  const [row] = await executor
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, tokenHash));
  return row;
}

export async function touchSession(executor: Executor, tokenHash: string, at: Date): Promise<void> {
  await executor.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSession(executor: Executor, tokenHash: string): Promise<void> {
  await executor.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSessionsOfUser(
  executor: Executor,
  userId: string,
  exceptTokenHash?: string,
): Promise<void> {
  const condition = exceptTokenHash
    ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, exceptTokenHash))
    : eq(sessions.userId, userId);
  await executor.delete(sessions).where(condition);
}

/** Removes sessions that can no longer be resumed. */
export async function deleteStaleSessions(
  executor: Executor,
  now: Date,
  idleSince: Date,
): Promise<void> {
  await executor
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleSince)));
}
