import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  obligationPeriods,
  type ObligationSource,
} from '../../../shared/obligations/obligation.contract';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';
import { items } from '../standards/standard.table';

export const obligationStatuses = ['proposed', 'confirmed', 'dismissed'] as const;
export const obligationKinds = ['frequency', 'coverage'] as const;
/**
 * institution: one count for the whole institution (党委常委会每学期至少研究1次), whichever responsible
 * department records it. each_department: every responsible department must meet it on its own.
 */
export const obligationScopes = ['institution', 'each_department'] as const;

/**
 * A countable promise an item makes in a plan (量化要求): proposed from the item's text or added by
 * hand, then confirmed (checked) or dismissed by the coordinating office. Period and counts stay
 * null while a proposal leaves them open (定期); a confirmed one has them all.
 */
export const obligations = pgTable(
  'obligations',
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
    status: text('status', { enum: obligationStatuses }).notNull(),
    kind: text('kind', { enum: obligationKinds }).notNull(),
    period: text('period', { enum: obligationPeriods }),
    minimumCount: integer('minimum_count'),
    targetPercent: numeric('target_percent', { mode: 'number' }),
    /** Whom it binds one by one: a frequency's eachOf (青年教师) or a coverage's population (教师). */
    population: text('population'),
    scope: text('scope', { enum: obligationScopes }).notNull(),
    /** Where in the item's text the proposal was read; null for one added by hand. */
    source: jsonb('source').$type<ObligationSource>(),
    /** item/field/start/end/kind of a proposal: proposing the same text twice finds it taken. */
    proposalKey: text('proposal_key'),
    note: text('note'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('obligations_plan_proposal_unique').on(table.planId, table.proposalKey),
    index('obligations_organization_plan_idx').on(table.organizationId, table.planId, table.itemId),
    check(
      'obligations_confirmed_complete',
      sql`${table.status} <> 'confirmed' or (${table.period} is not null and (${table.kind} = 'coverage' or ${table.minimumCount} is not null) and (${table.kind} = 'frequency' or ${table.targetPercent} is not null))`,
    ),
  ],
);

/**
 * One time a department did what an obligation asks (a meeting held, a study session), or one
 * reading of a share (32 of 35 teachers trained) for an obligation counted person by person.
 */
export const occurrences = pgTable(
  'obligation_occurrences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    obligationId: uuid('obligation_id')
      .notNull()
      .references(() => obligations.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    description: text('description').notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    achieved: integer('achieved'),
    outOf: integer('out_of'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedByName: text('recorded_by_name').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('obligation_occurrences_obligation_idx').on(
      table.obligationId,
      table.departmentId,
      table.occurredOn,
    ),
    index('obligation_occurrences_plan_idx').on(table.organizationId, table.planId),
    check(
      'obligation_occurrences_share',
      sql`(${table.achieved} is null) = (${table.outOf} is null) and (${table.outOf} is null or (${table.outOf} > 0 and ${table.achieved} >= 0 and ${table.achieved} <= ${table.outOf}))`,
    ),
  ],
);

export type ObligationRow = typeof obligations.$inferSelect;
export type OccurrenceRow = typeof occurrences.$inferSelect;
