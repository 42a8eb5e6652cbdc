import type { Clock } from '../../clock';
import type { Executor } from '../../db/client';
import type { Actor } from '../auth/actor';
import { insertAuditEntry, listAuditEntries } from './audit.repository';

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Records one write. Call it inside the write's transaction, so that both happen or neither. */
export async function recordAudit(executor: Executor, clock: Clock, actor: Actor, event: AuditEvent): Promise<void> {
  await insertAuditEntry(executor, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorName: actor.username,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    before: event.before === undefined ? null : event.before,
    after: event.after === undefined ? null : event.after,
    at: clock.now(),
  });
}

export async function listAudit(
  executor: Executor,
  actor: Actor,
  query: { action?: string | undefined; entityType?: string | undefined; before?: number | undefined; limit: number },
) {
  const rows = await listAuditEntries(executor, {
    organizationId: actor.organizationId,
    ...(query.action ? { action: query.action } : {}),
    ...(query.entityType ? { entityType: query.entityType } : {}),
    ...(query.before ? { before: query.before } : {}),
    limit: query.limit,
  });
  return rows.map((row) => ({
    id: row.id,
    actorUserId: row.actorUserId,
    actorName: row.actorName,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    ip: row.ip,
    userAgent: row.userAgent,
    before: row.before,
    after: row.after,
    at: row.at.toISOString(),
  }));
}
