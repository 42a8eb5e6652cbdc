import { sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from '../organizations/organization.table';

/**
 * Where the server may call out to for an organization (外呼地址), set by its security admin
 * alone: the WeCom and DingTalk group robots (webhook URLs and DingTalk's signing secret, sealed
 * with the server's key and never returned after saving), and the internal addresses the security
 * admin allows those calls to reach (host names or CIDR ranges; public addresses need no entry).
 */
export const outboundSettings = pgTable('outbound_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  wecomWebhookUrl: text('wecom_webhook_url'),
  dingtalkWebhookUrl: text('dingtalk_webhook_url'),
  dingtalkSecret: text('dingtalk_secret'),
  allow: text('allow').array().notNull().default(sql`'{}'::text[]`),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type OutboundSettingsRow = typeof outboundSettings.$inferSelect;
