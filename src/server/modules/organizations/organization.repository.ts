import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { organizations, type Organization } from './organization.table';

export async function findOrganization(
  executor: Executor,
  id: string,
): Promise<Organization | undefined> {
  const [row] = await executor.select().from(organizations).where(eq(organizations.id, id));
  return row;
}

export async function listOrganizations(executor: Executor): Promise<Organization[]> {
  return executor.select().from(organizations).orderBy(asc(organizations.createdAt));
}

export async function insertOrganization(
  executor: Executor,
  values: typeof organizations.$inferInsert,
): Promise<Organization> {
  const [row] = await executor.insert(organizations).values(values).returning();
  if (!row) throw new Error('insert returned no organization');
  return row;
}
