import { bigint, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';

/**
 * Per organization, the id of the last transaction that committed a write of its records: the key
 * under which a computed view (a dashboard, the board, the ledger) may be reused until the next
 * write. PostgreSQL sets it itself, from a deferred trigger on every table whose rows can change
 * such a view (migration 0026, `luoshi_raise_data_version`), once per transaction and at commit,
 * so no service can forget it and the lock on this row is held only while the transaction commits.
 * `shared_version` moves with every write but those of one department's own records (its
 * measures, breakdown, progress reports and evidence), which move that department's version
 * instead: a department's own views are keyed by both and stay valid while other departments write.
 * Versions are compared for equality only: transactions do not commit in the order of their ids.
 * No foreign keys: the trigger still runs for the rows of an organization being deleted.
 */
export const organizationDataVersions = pgTable('organization_data_versions', {
  organizationId: uuid('organization_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  sharedVersion: bigint('shared_version', { mode: 'number' }).notNull(),
});

/**
 * The last transaction that wrote one department's own records (see above), and the last that
 * wrote its breakdown (its measures and submission; migration 0032): the breakdown's views read
 * no progress report or evidence, so a department reporting its progress keeps them.
 */
export const departmentDataVersions = pgTable(
  'department_data_versions',
  {
    organizationId: uuid('organization_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    breakdownVersion: bigint('breakdown_version', { mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.organizationId, table.departmentId] })],
);
