import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed sign-ins by network address, for the per-address limit. In PostgreSQL, not in memory,
 * so that several app processes share one count. Rows older than the window are deleted.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ip: text('ip').notNull(),
    /** The name that was tried, as typed (at most 100 characters), for investigation. */
    username: text('username').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('sign_in_failures_ip_at_idx').on(table.ip, table.at),
    index('sign_in_failures_at_idx').on(table.at),
  ],
);
