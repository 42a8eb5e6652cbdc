import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  IndicatorFigures,
  InstitutionFigures,
  LateEntry,
  SnapshotFinding,
} from '../../../shared/api/oversight';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';

/**
 * One institution's plan as its supervising organization sees it: every figure precomputed by
 * the `oversight.refreshSnapshot` job, so that the province's overview reads one row per
 * institution instead of scanning every institution's records. `organization_id` is the
 * institution's; `supervisor_id` is copied from it when the row is written.
 * `audit_watermark` is the time of the institution's latest audit entry the figures include:
 * a later entry means a write the snapshot has not seen yet.
 */
export const institutionSnapshots = pgTable(
  'institution_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    supervisorId: uuid('supervisor_id').references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    planTitle: text('plan_title').notNull(),
    cycleYear: integer('cycle_year').notNull(),
    /** The institution's current plan (its latest cycle): the one the overview shows. */
    current: boolean('current').notNull(),
    items: integer('items').notNull(),
    itemsWithApprovedMeasure: integer('items_with_approved_measure').notNull(),
    measures: integer('measures').notNull(),
    measuresDone: integer('measures_done').notNull(),
    lateMeasures: integer('late_measures').notNull(),
    missingReports: integer('missing_reports').notNull(),
    lateReports: integer('late_reports').notNull(),
    lateBreakdowns: integer('late_breakdowns').notNull(),
    lateTotal: integer('late_total').notNull(),
    departmentsSubmitted: integer('departments_submitted').notNull(),
    departmentsTotal: integer('departments_total').notNull(),
    selfAssessmentsRated: integer('self_assessments_rated').notNull(),
    selfAssessmentsExpected: integer('self_assessments_expected').notNull(),
    ratings: jsonb('ratings').$type<InstitutionFigures['ratings']>().notNull(),
    unrated: integer('unrated').notNull(),
    findingsTotal: integer('findings_total').notNull(),
    findingsOpen: integer('findings_open').notNull(),
    findingsOverdue: integer('findings_overdue').notNull(),
    findingsVerified: integer('findings_verified').notNull(),
    findingsCarriedOver: integer('findings_carried_over').notNull(),
    byLevel1: jsonb('by_level1').$type<IndicatorFigures[]>().notNull(),
    /**
     * What the overview's heat map reads of `by_level1`, as four arrays in its order (written from
     * it by `upsertSnapshots`, never on their own): at 3,000 institutions the jsonb is 3 MB to
     * send and parse, these a few hundred bytes a row. One institution's page reads `by_level1`.
     */
    level1Codes: text('level1_codes').array().notNull().default(sql`'{}'::text[]`),
    level1Titles: text('level1_titles').array().notNull().default(sql`'{}'::text[]`),
    level1Measures: integer('level1_measures').array().notNull().default(sql`'{}'::integer[]`),
    level1MeasuresDone: integer('level1_measures_done')
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    late: jsonb('late').$type<LateEntry[]>().notNull(),
    findings: jsonb('findings').$type<SnapshotFinding[]>().notNull(),
    auditWatermark: timestamp('audit_watermark', { withTimezone: true }),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('institution_snapshots_organization_plan_unique').on(
      table.organizationId,
      table.planId,
    ),
    index('institution_snapshots_supervisor_idx').on(table.supervisorId, table.current),
  ],
);

export type InstitutionSnapshot = typeof institutionSnapshots.$inferSelect;
