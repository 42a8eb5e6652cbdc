import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/organization.table';

export const departmentKinds = ['functional', 'teaching', 'other'] as const;
export const departmentGroupKinds = ['group', 'placeholder'] as const;

/** An office (党政办公室), a college (学院) or another unit of one organization. */
export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: departmentKinds }).notNull(),
    /** Other names the same unit goes by in documents, e.g. 资产处 for 资产管理处. */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('departments_organization_name_unique').on(table.organizationId, table.name),
    index('departments_organization_idx').on(table.organizationId, table.position),
  ],
);

/**
 * A name in a plan that stands for several departments (各教学单位: every teaching unit)
 * or for departments still to be named by the coordinator (相关职能部门).
 */
export const departmentGroups = pgTable(
  'department_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: departmentGroupKinds }).notNull(),
    /** For a group: it expands to every department of this kind. */
    selectsKind: text('selects_kind', { enum: departmentKinds }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('department_groups_organization_name_unique').on(table.organizationId, table.name),
    check(
      'department_groups_selects_only_groups',
      sql`${table.kind} = 'group' or ${table.selectsKind} is null`,
    ),
  ],
);

export type Department = typeof departments.$inferSelect;
export type DepartmentGroup = typeof departmentGroups.$inferSelect;
