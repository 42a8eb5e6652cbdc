import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { staffKinds } from '../../../shared/teachers/roster-sheet';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';

/**
 * 教师名册: one row per teacher the HR export lists, by work number. Never deleted by an import:
 * a teacher the export no longer lists becomes inactive.
 */
export const teachers = pgTable(
  'teachers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    workNo: text('work_no').notNull(),
    name: text('name').notNull(),
    departmentId: uuid('department_id').references(() => departments.id),
    /** The department as the HR export names it (kept when it matches none of Luoshi's). */
    departmentName: text('department_name'),
    birthDate: date('birth_date', { mode: 'string' }),
    ageBand: text('age_band'),
    returnedOverseas: boolean('returned_overseas').notNull().default(false),
    partyMember: boolean('party_member').notNull().default(false),
    nonPartyRepresentative: boolean('non_party_representative').notNull().default(false),
    staffKind: text('staff_kind', { enum: staffKinds }),
    title: text('title'),
    phone: text('phone'),
    email: text('email'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('teachers_organization_work_no_unique').on(table.organizationId, table.workNo),
    index('teachers_organization_department_idx').on(table.organizationId, table.departmentId),
  ],
);

/** The roster's settings per institution (青年教师 age limit, survey result threshold, 聘期). */
export const rosterSettings = pgTable('roster_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  youngAgeLimit: integer('young_age_limit').notNull().default(40),
  resultThreshold: integer('result_threshold').notNull().default(5),
  contractYears: integer('contract_years').notNull().default(3),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type TeacherRow = typeof teachers.$inferSelect;
export type NewTeacher = typeof teachers.$inferInsert;
