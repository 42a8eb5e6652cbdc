import {
  bigint,
  bigserial,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

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

/**
 * Per organization, how many entries its audit log holds and the id of the last transaction that
 * added or removed one: the auditor's first pages read the total here instead of counting the
 * whole log, and are kept under `version` until the log changes (audit.service.ts). Set by
 * PostgreSQL itself (migration 0029): a deferred trigger counts each inserted entry at commit, so
 * the row lock is held only while committing; a statement trigger subtracts what a purge deletes.
 * No foreign key, like the log itself.
 */
export const auditLogCounts = pgTable('audit_log_counts', {
  organizationId: uuid('organization_id').primaryKey(),
  entries: bigint('entries', { mode: 'number' }).notNull(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
