import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { users, type User } from './user.table';

export type NewUser = typeof users.$inferInsert;

export async function findUserByUsername(executor: Executor, username: string): Promise<User | undefined> {
  const [row] = await executor.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

export async function findUserInOrganization(executor: Executor, organizationId: string, id: string): Promise<User | undefined> {
  const [row] = await executor.select().from(users).where(and(eq(users.organizationId, organizationId), eq(users.id, id)));
  return row;
}

export async function listUsersOfOrganization(executor: Executor, organizationId: string): Promise<User[]> {
  return executor.select().from(users).where(eq(users.organizationId, organizationId)).orderBy(asc(users.role), asc(users.username));
}

export async function insertUser(executor: Executor, user: NewUser): Promise<User> {
  const [row] = await executor.insert(users).values(user).returning();
  if (!row) throw new Error('insert returned no user');
  return row;
}

export async function updateUser(executor: Executor, id: string, changes: Partial<NewUser>): Promise<User> {
  const [row] = await executor
    .update(users)
    .set({ ...changes, version: sql`${users.version} + 1` })
    .where(eq(users.id, id))
    .returning();
  if (!row) throw new Error('update matched no user');
  return row;
}
