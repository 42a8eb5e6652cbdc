import { pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

export const organizationKinds = ['institution', 'supervisor'] as const;

/** A tenant: a university, or a supervising office (a province) that oversees institutions. */
export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind', { enum: organizationKinds }).notNull().default('institution'),
  /** The supervising organization, if any. */
  supervisorId: uuid('supervisor_id').references((): AnyPgColumn => organizations.id),
  /** The institution's time zone (IANA): every time the web shows is shown in it. */
  timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Organization = typeof organizations.$inferSelect;
