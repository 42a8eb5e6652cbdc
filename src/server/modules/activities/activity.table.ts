import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { coverageFrequencies } from '../../../shared/activities/coverage';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { teachers } from '../teachers/teacher.table';

/** 活动类型, as the office defines them: 国情研修, 谈心谈话, 理论学习, 培训 … */
export const activityKinds = pgTable(
  'activity_kinds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    itemNos: integer('item_nos').array().notNull().default(sql`'{}'::integer[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('activity_kinds_name_unique').on(table.organizationId, table.name)],
);

/** One activity a department held, with its date and evidence; who took part is in participants. */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    kindId: uuid('kind_id')
      .notNull()
      .references(() => activityKinds.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    title: text('title').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    evidenceIds: uuid('evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    note: text('note').notNull().default(''),
    recordedBy: uuid('recorded_by').notNull(),
    recordedByName: text('recorded_by_name').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('activities_organization_idx').on(table.organizationId, table.kindId, table.heldOn),
    // The list's order (held, recorded, id; read backwards), for the whole organization and for one department.
    index('activities_organization_order_idx').on(
      table.organizationId,
      table.heldOn,
      table.recordedAt,
      table.id,
    ),
    index('activities_department_order_idx').on(
      table.organizationId,
      table.departmentId,
      table.heldOn,
      table.recordedAt,
      table.id,
    ),
  ],
);

export const activityParticipants = pgTable(
  'activity_participants',
  {
    activityId: uuid('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    teacherId: uuid('teacher_id')
      .notNull()
      .references(() => teachers.id),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
  },
  (table) => [
    primaryKey({ columns: [table.activityId, table.teacherId] }),
    index('activity_participants_teacher_idx').on(table.teacherId),
  ],
);

/** 覆盖要求: who must take part in activities of a kind, and how often. */
export const coverageRules = pgTable('coverage_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  kindId: uuid('kind_id')
    .notNull()
    .references(() => activityKinds.id),
  name: text('name').notNull(),
  /** 'all', or a teacher attribute (young, party_member …). */
  population: text('population').notNull(),
  frequency: text('frequency', { enum: coverageFrequencies }).notNull(),
  itemNo: integer('item_no'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type ActivityRow = typeof activities.$inferSelect;
export type CoverageRuleRow = typeof coverageRules.$inferSelect;
