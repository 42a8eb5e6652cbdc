import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  messageChannels,
  messageKinds,
  type MessageFacts,
} from '../../../shared/notifications/messages';
import { organizations } from '../organizations/organization.table';
import { users } from '../users/user.table';

export const deliveryStatuses = ['sending', 'sent', 'failed', 'skipped'] as const;

/**
 * One handover message to one person (交接提醒), written in the same transaction as the step that
 * makes it their turn. `dedupe_key` names the event and the person: the same step never makes a
 * second message. The words are kept as sent; plan and department names are snapshots.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    recipientUserId: uuid('recipient_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: messageKinds }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    planId: uuid('plan_id'),
    planName: text('plan_name'),
    departmentId: uuid('department_id'),
    departmentName: text('department_name'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** What the message was composed from, to word it again in a reader's language (null: older rows). */
    facts: jsonb('facts').$type<MessageFacts>(),
    action: text('action').notNull(),
    link: text('link').notNull(),
    /** The bell's row once delivered in-app (its read state is the message's). */
    notificationId: uuid('notification_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('messages_dedupe_unique').on(table.organizationId, table.dedupeKey),
    index('messages_recipient_idx').on(table.recipientUserId, table.createdAt),
  ],
);

/**
 * Each channel a message went out on, once: the row is taken ('sending') before the send, so a
 * retried job never sends on a channel again; 'failed' is tried again by the job's retry.
 */
export const messageDeliveries = pgTable(
  'message_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: messageChannels }).notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    address: text('address'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('message_deliveries_unique').on(table.messageId, table.channel),
    index('message_deliveries_organization_idx').on(table.organizationId, table.createdAt),
  ],
);

/**
 * The office's message settings: default channels, days before a deadline to remind, and the
 * WeCom (企业微信) and DingTalk (钉钉) applications that send to a person (secrets sealed).
 */
export const notificationSettings = pgTable(
  'notification_settings',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id),
    defaultChannels: text('default_channels').array().notNull(),
    dueSoonDays: integer('due_soon_days').notNull().default(7),
    wecomCorpId: text('wecom_corp_id'),
    wecomAgentId: text('wecom_agent_id'),
    wecomSecret: text('wecom_secret'),
    dingtalkAppKey: text('dingtalk_app_key'),
    dingtalkAgentId: text('dingtalk_agent_id'),
    dingtalkAppSecret: text('dingtalk_app_secret'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('notification_settings_due_soon_days', sql`${table.dueSoonDays} between 1 and 60`),
  ],
);

/** A person's own channels (null: the office's) and their user ids in WeCom and DingTalk. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  channels: text('channels').array(),
  wecomUserId: text('wecom_user_id'),
  dingtalkUserId: text('dingtalk_user_id'),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type MessageRow = typeof messages.$inferSelect;
export type MessageDelivery = typeof messageDeliveries.$inferSelect;
export type NotificationSettingsRow = typeof notificationSettings.$inferSelect;
export type NotificationPreferencesRow = typeof notificationPreferences.$inferSelect;
