import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Who did what, when, from where, with the record before and after. Append-only: a trigger
 * (migrations 0001, 0006) refuses UPDATE and TRUNCATE, and DELETE of any row the database recorded
 * less than 180 days ago (column `recorded_at`, default now(), added by the custom migration 0006
 * and deliberately not named here, so that the application cannot set it). No foreign keys, so
 * that the trail outlives what it describes.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id'),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('audit_log_organization_at_idx').on(table.organizationId, table.at),
    // The auditor's pages, newest first: an organization's entries by id, read backwards.
    index('audit_log_organization_id_idx').on(table.organizationId, table.id),
    index('audit_log_entity_idx').on(table.entityType, table.entityId),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
