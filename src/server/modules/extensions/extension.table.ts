import { check, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { measures } from '../breakdowns/breakdown.table';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { deliverables, plans } from '../plans/plan.table';

export const extensionTargets = ['measure', 'deliverable'] as const;
export const extensionStatuses = ['pending', 'approved', 'refused', 'withdrawn'] as const;

/**
 * 延期申请: a department asks the office to move a deadline of its own, a measure's or a
 * deliverable's (for that department only); the office approves or refuses. An approved request
 * is the department's deadline from then on: the measure's due date changes, a deliverable's
 * deadline is the latest approved one for that department.
 */
export const extensionRequests = pgTable(
  'extension_requests',
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
    target: text('target', { enum: extensionTargets }).notNull(),
    measureId: uuid('measure_id').references(() => measures.id, { onDelete: 'cascade' }),
    deliverableId: uuid('deliverable_id').references(() => deliverables.id),
    /** The deadline when the request was made. */
    currentDueOn: date('current_due_on', { mode: 'string' }).notNull(),
    requestedDueOn: date('requested_due_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: extensionStatuses }).notNull().default('pending'),
    requestedByUserId: uuid('requested_by_user_id').notNull(),
    requestedByName: text('requested_by_name').notNull(),
    decidedByName: text('decided_by_name'),
    decisionComment: text('decision_comment'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
  },
  (table) => [
    check(
      'extension_requests_one_target',
      sql`(${table.target} = 'measure') = (${table.measureId} is not null) and (${table.target} = 'deliverable') = (${table.deliverableId} is not null)`,
    ),
    index('extension_requests_plan_idx').on(table.planId, table.status),
  ],
);

export type ExtensionRequest = typeof extensionRequests.$inferSelect;
