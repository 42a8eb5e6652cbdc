import { sql } from 'drizzle-orm';
import {
  check,
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
import { phaseKinds, deliverableKinds } from '../../../shared/plan-import/contract';
import { departmentGroups, departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { items, standards } from '../standards/standard.table';

/** One organization's plan to implement one standard version in one cycle (year). */
export const plans = pgTable(
  'plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    standardId: uuid('standard_id')
      .notNull()
      .references(() => standards.id),
    title: text('title').notNull(),
    noticeTitle: text('notice_title'),
    issuer: text('issuer'),
    issuedOn: date('issued_on', { mode: 'string' }),
    printedOn: date('printed_on', { mode: 'string' }),
    cycleYear: integer('cycle_year').notNull(),
    /** sha256 of the parsed plan's canonical form: re-importing the same plan creates nothing. */
    fingerprint: text('fingerprint').notNull(),
    sourceFileName: text('source_file_name').notNull(),
    sourceFormat: text('source_format', { enum: ['text', 'docx', 'xlsx', 'doc', 'xls'] }).notNull(),
    /** What the importer asked a person to check. */
    importWarnings: jsonb('import_warnings').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('plans_organization_fingerprint_unique').on(
      table.organizationId,
      table.fingerprint,
    ),
    index('plans_organization_idx').on(table.organizationId, table.cycleYear),
  ],
);

/** A dated stage of a plan: mobilize (动员部署), execute (深化推进), conclude (成果总结). */
export const phases = pgTable(
  'phases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    position: integer('position').notNull(),
    kind: text('kind', { enum: phaseKinds }).notNull(),
    name: text('name').notNull(),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    sourceText: text('source_text').notNull(),
  },
  (table) => [uniqueIndex('phases_plan_position_unique').on(table.planId, table.position)],
);

/** Something every department owes by a date, such as the task breakdown due 4月30日. */
export const deliverables = pgTable(
  'deliverables',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    phaseId: uuid('phase_id').references(() => phases.id),
    kind: text('kind', { enum: deliverableKinds }).notNull(),
    title: text('title').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    recipient: text('recipient'),
    sourceText: text('source_text').notNull(),
  },
  (table) => [index('deliverables_plan_idx').on(table.planId, table.dueOn)],
);

export { assignmentRoles } from '../../../shared/assignments';
import { assignmentRoles } from '../../../shared/assignments';

/**
 * A department (or a group / placeholder still to be resolved) answerable for an item in a plan.
 */
export const assignments = pgTable(
  'assignments',
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
    departmentId: uuid('department_id').references(() => departments.id),
    groupId: uuid('group_id').references(() => departmentGroups.id),
    role: text('role', { enum: assignmentRoles }).notNull(),
    position: integer('position').notNull(),
  },
  (table) => [
    check(
      'assignments_one_target',
      sql`(${table.departmentId} is null) <> (${table.groupId} is null)`,
    ),
    uniqueIndex('assignments_plan_item_department_unique').on(
      table.planId,
      table.itemId,
      table.departmentId,
    ),
    uniqueIndex('assignments_plan_item_group_unique').on(table.planId, table.itemId, table.groupId),
    index('assignments_department_idx').on(table.organizationId, table.departmentId),
    index('assignments_plan_item_idx').on(table.planId, table.itemId),
  ],
);

export type Plan = typeof plans.$inferSelect;
export type Phase = typeof phases.$inferSelect;
export type Deliverable = typeof deliverables.$inferSelect;
export type Assignment = typeof assignments.$inferSelect;
