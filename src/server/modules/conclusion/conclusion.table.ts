import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { RatingLevel } from '../../../shared/conclusion/rating-scale';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';
import { items } from '../standards/standard.table';

export const summaryStatuses = ['draft', 'submitted', 'returned'] as const;

/**
 * A department's closing report (总结报告) for one plan: highlights, results, typical cases, with
 * evidence. Submitting it also submits the department's self-assessment; a return reopens both.
 */
export const summaries = pgTable(
  'summaries',
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
    status: text('status', { enum: summaryStatuses }).notNull().default('draft'),
    highlights: text('highlights').notNull().default(''),
    results: text('results').notNull().default(''),
    cases: text('cases').notNull().default(''),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    returnComment: text('return_comment'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('summaries_plan_department_unique').on(table.planId, table.departmentId),
    index('summaries_organization_idx').on(table.organizationId, table.planId),
  ],
);

/** The scale a plan's self-assessment is rated on, when the coordinator changed the default. */
export const ratingScales = pgTable('rating_scales', {
  planId: uuid('plan_id')
    .primaryKey()
    .references(() => plans.id),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  levels: jsonb('levels').$type<RatingLevel[]>().notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** One responsible department's rating (自评) of one item, with its justification against the focus. */
export const selfAssessments = pgTable(
  'self_assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    rating: text('rating').notNull(),
    justification: text('justification').notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('self_assessments_plan_item_department_unique').on(
      table.planId,
      table.itemId,
      table.departmentId,
    ),
    index('self_assessments_plan_department_idx').on(table.planId, table.departmentId),
  ],
);

/** The institution's rating of one item, moderated by the coordinating office from the departments' ratings. */
export const institutionRatings = pgTable(
  'institution_ratings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    rating: text('rating').notNull(),
    note: text('note').notNull().default(''),
    moderatedBy: text('moderated_by').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('institution_ratings_plan_item_unique').on(table.planId, table.itemId)],
);

export type Summary = typeof summaries.$inferSelect;
export type RatingScale = typeof ratingScales.$inferSelect;
export type SelfAssessment = typeof selfAssessments.$inferSelect;
export type InstitutionRating = typeof institutionRatings.$inferSelect;
