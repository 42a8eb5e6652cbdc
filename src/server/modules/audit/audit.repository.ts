import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { auditLog } from './audit.table';

export type NewAuditEntry = typeof auditLog.$inferInsert;

export async function insertAuditEntry(executor: Executor, entry: NewAuditEntry): Promise<void> {
  await executor.insert(auditLog).values(entry);
}

export async function listAuditEntries(
  executor: Executor,
  filter: { organizationId: string; action?: string; entityType?: string; before?: number; limit: number },
) {
  const conditions: SQL[] = [eq(auditLog.organizationId, filter.organizationId)];
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.before) conditions.push(lt(auditLog.id, filter.before));
  return executor.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(filter.limit);
}
