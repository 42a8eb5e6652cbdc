import { sql } from 'drizzle-orm';
import {
  check,
  date,
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
 * An organization's supervision settings: its WeCom and DingTalk group robots (URLs and the
 * DingTalk signing secret sealed with the server's key, never returned after saving) and after how
 * many days a reminder is escalated to the department head.
 */
export const supervisionSettings = pgTable(
  'supervision_settings',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id),
    wecomWebhookUrl: text('wecom_webhook_url'),
    dingtalkWebhookUrl: text('dingtalk_webhook_url'),
    dingtalkSecret: text('dingtalk_secret'),
    escalationDays: integer('escalation_days').notNull().default(3),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('supervision_settings_escalation_days', sql`${table.escalationDays} between 1 and 60`),
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
