import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { organizationDataVersions } from './data-version.table';

/** The organization's data version now: 0 until its first write. */
export async function readDataVersion(executor: Executor, organizationId: string): Promise<number> {
  const [row] = await executor
    .select({ version: organizationDataVersions.version })
    .from(organizationDataVersions)
    .where(eq(organizationDataVersions.organizationId, organizationId));
  return row?.version ?? 0;
}
