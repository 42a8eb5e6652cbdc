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
import { reportingFrequencies, reportStatuses } from '../../../shared/ledger/periods';
import { measures } from '../breakdowns/breakdown.table';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';
import { users } from '../users/user.table';

/** How often departments report progress on a plan (工作进度督办台账), set by the coordinating office. */
export const ledgerSettings = pgTable(
  'ledger_settings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    frequency: text('frequency', { enum: reportingFrequencies }).notNull().default('monthly'),
    dueDay: integer('due_day').notNull(),
    /** yyyy-mm: a month in the first period, and in the last. */
    firstPeriod: text('first_period').notNull(),
    lastPeriod: text('last_period').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('ledger_settings_plan_unique').on(table.planId),
    check('ledger_settings_due_day', sql`${table.dueDay} between 1 and 28`),
  ],
);

/**
 * One version of a department's progress report (进度报送) on one measure for one period. Rows are
 * never changed: a correction is the next version, and the history stays.
 */
export const progressReports = pgTable(
  'progress_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    measureId: uuid('measure_id')
      .notNull()
      .references(() => measures.id),
    periodKey: text('period_key').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: reportStatuses }).notNull(),
    text: text('text').notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Submitted after the period's due day was over (Asia/Shanghai calendar). */
    late: boolean('late').notNull(),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedByName: text('submitted_by_name').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('progress_reports_measure_period_version_unique').on(
      table.measureId,
      table.periodKey,
      table.version,
    ),
    index('progress_reports_plan_idx').on(table.planId, table.departmentId, table.periodKey),
    check('progress_reports_version_positive', sql`${table.version} >= 1`),
  ],
);

export type LedgerSettingsRow = typeof ledgerSettings.$inferSelect;
export type ProgressReport = typeof progressReports.$inferSelect;
