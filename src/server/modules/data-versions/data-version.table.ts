import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';

/**
 * Per organization, the id of the last transaction that committed a write of its records: the key
 * under which a computed view (a dashboard, the board, the ledger) may be reused until the next
 * write. PostgreSQL sets it itself, from a deferred trigger on every table whose rows can change
 * such a view (migration 0026, `luoshi_raise_data_version`), once per transaction and at commit,
 * so no service can forget it and the lock on this row is held only while the transaction commits.
 * Versions are compared for equality only: transactions do not commit in the order of their ids.
 * No foreign key: the trigger still runs for the rows of an organization being deleted.
 */
export const organizationDataVersions = pgTable('organization_data_versions', {
  organizationId: uuid('organization_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
