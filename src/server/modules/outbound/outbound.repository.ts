import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { outboundSettings, type OutboundSettingsRow } from './outbound.table';

export async function findOutboundSettings(
  executor: Executor,
  organizationId: string,
): Promise<OutboundSettingsRow | undefined> {
  const [row] = await executor
    .select()
    .from(outboundSettings)
    .where(eq(outboundSettings.organizationId, organizationId));
  return row;
}

/** Saves when the row is still at `version` (0: not yet saved); undefined when it was not. */
export async function saveOutboundSettingsAtVersion(
  executor: Executor,
  organizationId: string,
  version: number,
  values: Omit<typeof outboundSettings.$inferInsert, 'organizationId' | 'version'>,
): Promise<OutboundSettingsRow | undefined> {
  if (version === 0) {
    const [row] = await executor
      .insert(outboundSettings)
      .values({ ...values, organizationId })
      .onConflictDoNothing()
      .returning();
    return row;
  }
  const [row] = await executor
    .update(outboundSettings)
    .set({ ...values, version: sql`${outboundSettings.version} + 1` })
    .where(
      and(
        eq(outboundSettings.organizationId, organizationId),
        eq(outboundSettings.version, version),
      ),
    )
    .returning();
  return row;
}
