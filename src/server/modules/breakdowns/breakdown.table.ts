import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { deadlineKinds } from '../../../shared/deadlines';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';
import { items } from '../standards/standard.table';

export const submissionStatuses = ['draft', 'submitted', 'returned', 'approved'] as const;

/**
 * One department's task breakdown (任务分解表) for one plan: its review state, and the
 * liaison (联络员) it names. Created with the department's first measure or liaison.
 */
export const submissions = pgTable(
  'submissions',
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
    status: text('status', { enum: submissionStatuses }).notNull().default('draft'),
    liaisonName: text('liaison_name'),
    liaisonPhone: text('liaison_phone'),
    liaisonEmail: text('liaison_email'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('submissions_plan_department_unique').on(table.planId, table.departmentId),
    index('submissions_organization_idx').on(table.organizationId, table.planId),
  ],
);

/** What a department will do for an item (落实措施), and by when (完成时限). */
export const measures = pgTable(
  'measures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => submissions.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    text: text('text').notNull(),
    deadlineKind: text('deadline_kind', { enum: deadlineKinds }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    position: integer('position').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('measures_submission_item_idx').on(table.submissionId, table.itemId, table.position),
    // Whole-plan views (board, dashboard, ledger, report) read a plan's measures by department.
    index('measures_plan_department_idx').on(table.planId, table.departmentId),
  ],
);

/** A measure as a submission carried it (`submission_events.measures`). */
export interface SubmittedMeasure {
  id: string;
  itemId: string;
  text: string;
  deadlineKind: (typeof deadlineKinds)[number];
  dueOn: string;
}

export const submissionActions = ['submit', 'return', 'approve'] as const;

/** The history of a submission: every submit, return (with comments per item) and approval. */
export const submissionEvents = pgTable(
  'submission_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => submissions.id),
    action: text('action', { enum: submissionActions }).notNull(),
    actorUserId: uuid('actor_user_id').notNull(),
    actorName: text('actor_name').notNull(),
    comment: text('comment'),
    /** itemId → the coordinator's comment on that item, for a return. */
    itemComments: jsonb('item_comments')
      .$type<Record<string, string>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** For a submit: the department's measures as submitted, so a resubmission can be compared. */
    measures: jsonb('measures').$type<SubmittedMeasure[]>(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [index('submission_events_submission_idx').on(table.submissionId, table.at)],
);

export type Submission = typeof submissions.$inferSelect;
export type Measure = typeof measures.$inferSelect;
export type SubmissionEvent = typeof submissionEvents.$inferSelect;
