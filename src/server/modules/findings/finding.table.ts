import { sql } from 'drizzle-orm';
import {
  bigserial,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import {
  findingKinds,
  findingStates,
  findingTransitions,
} from '../../../shared/findings/finding-states';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { plans } from '../plans/plan.table';

/**
 * A problem found during the self-assessment (查摆问题): the items and departments it concerns, the
 * department that owns its rectification, a due date, and whether it is fixed now (立行立改) or
 * carried into next year's plan (纳入下年度重点工作).
 */
export const findings = pgTable(
  'findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    /** 1, 2, 3… within the plan, as the office numbers its list. */
    no: integer('no').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: findingKinds }).notNull(),
    state: text('state', { enum: findingStates }).notNull().default('open'),
    ownerDepartmentId: uuid('owner_department_id')
      .notNull()
      .references(() => departments.id),
    departmentIds: uuid('department_ids').array().notNull().default(sql`'{}'::uuid[]`),
    itemIds: uuid('item_ids').array().notNull().default(sql`'{}'::uuid[]`),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    /** The finding of last year's plan this one was carried over from. */
    originFindingId: uuid('origin_finding_id').references((): AnyPgColumn => findings.id),
    /** The finding of next year's plan this one was carried into; set with state carried_over. */
    carriedToFindingId: uuid('carried_to_finding_id').references((): AnyPgColumn => findings.id),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('findings_plan_no_unique').on(table.planId, table.no),
    index('findings_organization_plan_idx').on(table.organizationId, table.planId, table.state),
    index('findings_owner_idx').on(table.ownerDepartmentId),
  ],
);

/** A rectification action (整改措施) the owner department recorded, with its evidence. */
export const rectificationActions = pgTable(
  'rectification_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    findingId: uuid('finding_id')
      .notNull()
      .references(() => findings.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    text: text('text').notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    actorUserId: uuid('actor_user_id').notNull(),
    actorName: text('actor_name').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Order of recording, for actions made within the same instant. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
  },
  (table) => [index('rectification_actions_finding_idx').on(table.findingId, table.at)],
);

export const findingEventActions = ['create', ...findingTransitions] as const;

/** The history of a finding: created, each transition, with who and why. */
export const findingEvents = pgTable(
  'finding_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    findingId: uuid('finding_id')
      .notNull()
      .references(() => findings.id),
    action: text('action', { enum: findingEventActions }).notNull(),
    fromState: text('from_state', { enum: findingStates }),
    toState: text('to_state', { enum: findingStates }).notNull(),
    comment: text('comment'),
    actorUserId: uuid('actor_user_id').notNull(),
    actorName: text('actor_name').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Order of recording, for events within the same instant. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
  },
  (table) => [index('finding_events_finding_idx').on(table.findingId, table.at)],
);

export type Finding = typeof findings.$inferSelect;
export type RectificationAction = typeof rectificationActions.$inferSelect;
export type FindingEvent = typeof findingEvents.$inferSelect;
