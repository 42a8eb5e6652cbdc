import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { auditLog, auditLogCounts } from './audit.table';

export type NewAuditEntry = typeof auditLog.$inferInsert;

export async function insertAuditEntry(executor: Executor, entry: NewAuditEntry): Promise<void> {
  await executor.insert(auditLog).values(entry);
}

/** What the auditor searches by; times are instants (the service turns Beijing days into them). */
export interface AuditConditions {
  organizationId: string;
  fromInclusive?: Date;
  toExclusive?: Date;
  actor?: string;
  actorUserId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  ip?: string;
  q?: string;
}

/** `text` as a LIKE pattern that matches it literally. */
function literal(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function whereOf(filter: AuditConditions): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(auditLog.organizationId, filter.organizationId)];
  if (filter.fromInclusive) conditions.push(gte(auditLog.at, filter.fromInclusive));
  if (filter.toExclusive) conditions.push(lt(auditLog.at, filter.toExclusive));
  if (filter.actor) conditions.push(ilike(auditLog.actorName, `%${literal(filter.actor)}%`));
  if (filter.actorUserId) conditions.push(eq(auditLog.actorUserId, filter.actorUserId));
  // An action, or the family it names: "auth" finds auth.sign_in, auth.sign_out …
  if (filter.action)
    conditions.push(
      or(
        eq(auditLog.action, filter.action),
        sql`${auditLog.action} like ${`${literal(filter.action)}.%`}`,
      ),
    );
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
  if (filter.ip) conditions.push(sql`${auditLog.ip} like ${`${literal(filter.ip)}%`}`);
  if (filter.q) {
    const pattern = `%${literal(filter.q)}%`;
    conditions.push(
      or(
        ilike(auditLog.action, pattern),
        ilike(auditLog.entityType, pattern),
        ilike(auditLog.entityId, pattern),
        ilike(auditLog.actorName, pattern),
      ),
    );
  }
  return and(...conditions);
}

/**
 * How many entries the organization's log holds and the last transaction that changed it, as the
 * database keeps them (migration 0029): one indexed row instead of counting the log.
 */
export async function readAuditCount(
  executor: Executor,
  organizationId: string,
): Promise<{ entries: number; version: number }> {
  const [row] = await executor
    .select({ entries: auditLogCounts.entries, version: auditLogCounts.version })
    .from(auditLogCounts)
    .where(eq(auditLogCounts.organizationId, organizationId));
  return row ?? { entries: 0, version: 0 };
}

export async function countAuditEntries(
  executor: Executor,
  filter: AuditConditions,
): Promise<number> {
  const [row] = await executor
    .select({ count: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(whereOf(filter));
  return row?.count ?? 0;
}

/** The newest entries first, one page. */
export async function listAuditEntries(
  executor: Executor,
  filter: AuditConditions,
  page: { offset: number; limit: number },
) {
  return executor
    .select()
    .from(auditLog)
    .where(whereOf(filter))
    .orderBy(desc(auditLog.id))
    .offset(page.offset)
    .limit(page.limit);
}

/** Entries older than `beforeId` (newest first): for reading a long export in bounded batches. */
export async function listAuditEntriesBefore(
  executor: Executor,
  filter: AuditConditions,
  beforeId: number | null,
  limit: number,
) {
  const where =
    beforeId === null ? whereOf(filter) : and(whereOf(filter), lt(auditLog.id, beforeId));
  return executor.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit);
}

/**
 * Deletes at most `limit` entries of the organization (and entries of no organization: sign-ins
 * of unknown names) whose time is before `cutoff`. Only rows the database recorded more than 180
 * days ago are candidates, so the trigger that guards the retention never refuses the batch.
 */
export async function deleteAuditEntriesBefore(
  executor: Executor,
  organizationId: string,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await executor.execute(sql`
    delete from audit_log where id in (
      select id from audit_log
      where (organization_id = ${organizationId} or organization_id is null)
        and at < ${cutoff.toISOString()}::timestamptz
        and recorded_at < now() - interval '180 days'
      order by id
      limit ${limit}
    )`);
  return result.rowCount ?? 0;
}
