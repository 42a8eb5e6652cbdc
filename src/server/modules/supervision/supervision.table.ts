import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  jsonb,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { departments } from '../departments/department.table';
import { organizations } from '../organizations/organization.table';
import { users } from '../users/user.table';

export const reminderLevels = ['liaison', 'head', 'digest', 'manual', 'test'] as const;
export const reminderChannels = ['in_app', 'email', 'wecom', 'dingtalk'] as const;
export const reminderStatuses = ['sending', 'sent', 'failed'] as const;

/**
 * An organization's supervision settings: after how many days a reminder is escalated to the
 * department head, and the 三色预警 thresholds. The group robots' addresses are the security
 * admin's (`outbound/outbound.table.ts`).
 */
export const supervisionSettings = pgTable(
  'supervision_settings',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id),
    escalationDays: integer('escalation_days').notNull().default(3),
    /** 三色预警: days overdue from which late work is yellow, orange and red. */
    yellowDays: integer('yellow_days').notNull().default(1),
    orangeDays: integer('orange_days').notNull().default(7),
    redDays: integer('red_days').notNull().default(15),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('supervision_settings_escalation_days', sql`${table.escalationDays} between 1 and 60`),
    check(
      'supervision_settings_warning_days',
      sql`${table.yellowDays} >= 1 and ${table.yellowDays} < ${table.orangeDays} and ${table.orangeDays} < ${table.redDays} and ${table.redDays} <= 366`,
    ),
  ],
);

/** Who heads a department, for escalated reminders (督办升级). */
export const departmentContacts = pgTable(
  'department_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    headName: text('head_name').notNull(),
    headEmail: text('head_email').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('department_contacts_department_unique').on(table.departmentId),
    index('department_contacts_organization_idx').on(table.organizationId),
  ],
);

/**
 * Every reminder attempt: one row per subject, level, channel and recipient and Beijing day. The
 * unique key is what makes a sweep idempotent: a second sweep (or a second process) on the same
 * day finds the row taken and sends nothing.
 */
export const supervisionLog = pgTable(
  'supervision_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    subjectKey: text('subject_key').notNull(),
    subjectKind: text('subject_kind').notNull(),
    /** A snapshot: the log outlives merged or deleted departments. */
    departmentId: uuid('department_id'),
    departmentName: text('department_name'),
    planId: uuid('plan_id'),
    level: text('level', { enum: reminderLevels }).notNull(),
    channel: text('channel', { enum: reminderChannels }).notNull(),
    recipient: text('recipient').notNull(),
    status: text('status', { enum: reminderStatuses }).notNull(),
    error: text('error'),
    /** What was late, in the words of the message. */
    summary: text('summary').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('supervision_log_attempt_unique').on(
      table.organizationId,
      table.subjectKey,
      table.level,
      table.channel,
      table.recipient,
      table.day,
    ),
    index('supervision_log_organization_idx').on(table.organizationId, table.createdAt),
    index('supervision_log_subject_idx').on(table.organizationId, table.subjectKey, table.status),
  ],
);

/** In-app notifications (the bell in the header). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A path inside the web app (/breakdown, /board/…). */
    link: text('link'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (table) => [index('notifications_user_idx').on(table.userId, table.createdAt)],
);

export type SupervisionSettingsRow = typeof supervisionSettings.$inferSelect;
export type DepartmentContact = typeof departmentContacts.$inferSelect;
export type SupervisionLogEntry = typeof supervisionLog.$inferSelect;
export type Notification = typeof notifications.$inferSelect;

/**
 * Late work that turned red and was escalated (to the department head and the responsible leader):
 * one row per subject, taken once, so a thing is escalated once however many sweeps see it red.
 */
export const supervisionEscalations = pgTable(
  'supervision_escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    subjectKey: text('subject_key').notNull(),
    departmentId: uuid('department_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('supervision_escalations_subject_unique').on(
      table.organizationId,
      table.subjectKey,
    ),
  ],
);

/** The last 督办通知单 number given in an organization and year. */
export const supervisionNoticeCounters = pgTable(
  'supervision_notice_counters',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    year: integer('year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (table) => [
    uniqueIndex('supervision_notice_counters_unique').on(table.organizationId, table.year),
  ],
);

/** One item a notice names, as it stood when the notice was issued. */
export interface NoticeItem {
  key: string;
  kind: string;
  itemNo: number | null;
  what: string;
  dueOn: string;
  daysLate: number;
  colour: 'yellow' | 'orange' | 'red' | null;
}

/**
 * 督办通知单: the office's written notice to a department about its late work, numbered
 * 督办〔year〕N号 per organization and year, answered once by the department (which closes it).
 */
export const supervisionNotices = pgTable(
  'supervision_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    /** A snapshot, as printed. */
    departmentName: text('department_name').notNull(),
    items: jsonb('items').$type<NoticeItem[]>().notNull(),
    answerDueOn: date('answer_due_on', { mode: 'string' }).notNull(),
    note: text('note'),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    issuedByUserId: uuid('issued_by_user_id').notNull(),
    issuedByName: text('issued_by_name').notNull(),
    answered: boolean('answered').notNull().default(false),
    answerText: text('answer_text'),
    answerEvidenceIds: uuid('answer_evidence_ids').array().notNull().default(sql`'{}'::uuid[]`),
    answeredByName: text('answered_by_name'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('supervision_notices_number_unique').on(
      table.organizationId,
      table.year,
      table.number,
    ),
    index('supervision_notices_department_idx').on(table.organizationId, table.departmentId),
  ],
);

export type SupervisionNotice = typeof supervisionNotices.$inferSelect;
