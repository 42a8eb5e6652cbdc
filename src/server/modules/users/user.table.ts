import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { roles } from '../../../shared/roles';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    /** Sign-in name, unique across the deployment (compared case-insensitively). */
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    phone: text('phone'),
    role: text('role', { enum: roles }).notNull(),
    /** A department liaison acts for exactly this department. */
    departmentId: uuid('department_id').references(() => departments.id),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    /** When the user last chose their password (null until they replace a one-time password). */
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    /** Failed sign-ins since the last success or lockout; the fifth locks the account. */
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** The TOTP secret, sealed with the server's key (AES-256-GCM); pending until totpEnabledAt is set. Never leaves the server after enrolment. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** The last TOTP time step accepted: a code of this step or an earlier one is refused (no replay). */
    totpLastStep: integer('totp_last_step'),
    disabled: boolean('disabled').notNull().default(false),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_username_unique').on(sql`lower(${table.username})`),
    index('users_organization_idx').on(table.organizationId),
    check(
      'users_liaison_has_department',
      sql`${table.role} <> 'liaison' or ${table.departmentId} is not null`,
    ),
  ],
);

export type User = typeof users.$inferSelect;
