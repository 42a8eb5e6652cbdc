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
import { organizations } from '../organizations/organization.table';
import { items } from '../standards/standard.table';
import { plans } from './plan.table';

export const planChangeKinds = [
  'phase.update',
  'deliverable.update',
  'item.create',
  'item.update',
  'item.retire',
  'extension.approve',
] as const;

/**
 * The plan's change log (方案修订记录): every change the office makes to a plan on the web, numbered
 * per plan (revision 1, 2, …), with what it was before and after. The audit log holds the same
 * changes with who and from where; this is the plan's own history, readable by the office.
 */
export const planRevisions = pgTable(
  'plan_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    revision: integer('revision').notNull(),
    kind: text('kind', { enum: planChangeKinds }).notNull(),
    /** What changed, in the plan's language (阶段“深化推进”：2024-05-01 – 2024-11-30 → …). */
    summary: text('summary').notNull(),
    entityId: uuid('entity_id'),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
    actorUserId: uuid('actor_user_id').notNull(),
    actorName: text('actor_name').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('plan_revisions_plan_revision_unique').on(table.planId, table.revision)],
);

/**
 * An item the plan no longer pursues (停用). The standard's item stays (other plans and the
 * records already made cite it); in this plan it has no assignments and no new work.
 */
export const retiredItems = pgTable(
  'retired_items',
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
    reason: text('reason').notNull(),
    /** The assignments it had, as they were: the revision log and a reader can see them. */
    assignments: jsonb('assignments').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    retiredAt: timestamp('retired_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('retired_items_plan_item_unique').on(table.planId, table.itemId),
    index('retired_items_organization_idx').on(table.organizationId),
  ],
);

export type PlanRevision = typeof planRevisions.$inferSelect;
export type RetiredItem = typeof retiredItems.$inferSelect;
