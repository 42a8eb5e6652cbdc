import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { notifications } from '../supervision/supervision.table';
import { users } from '../users/user.table';
import {
  messageDeliveries,
  messages,
  notificationPreferences,
  notificationSettings,
  type MessageDelivery,
} from './notification.table';

export async function findMessage(executor: Executor, id: string) {
  const [row] = await executor
    .select({ message: messages, user: users })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.recipientUserId))
    .where(eq(messages.id, id));
  return row;
}

export async function listDeliveries(
  executor: Executor,
  messageIds: string[],
): Promise<MessageDelivery[]> {
  if (messageIds.length === 0) return [];
  return executor
    .select()
    .from(messageDeliveries)
    .where(inArray(messageDeliveries.messageId, messageIds));
}

/**
 * Takes a channel of a message for sending: a new row, or a failed one tried again. Returns null
 * when the channel is sent, skipped, or was being sent when a process died (never sent twice).
 */
export async function takeDelivery(
  executor: Executor,
  values: {
    organizationId: string;
    messageId: string;
    channel: MessageDelivery['channel'];
    now: Date;
  },
): Promise<MessageDelivery | null> {
  const [created] = await executor
    .insert(messageDeliveries)
    .values({
      organizationId: values.organizationId,
      messageId: values.messageId,
      channel: values.channel,
      status: 'sending',
      attempts: 1,
      createdAt: values.now,
    })
    .onConflictDoNothing({ target: [messageDeliveries.messageId, messageDeliveries.channel] })
    .returning();
  if (created) return created;
  const [retried] = await executor
    .update(messageDeliveries)
    .set({ status: 'sending', error: null })
    .where(
      and(
        eq(messageDeliveries.messageId, values.messageId),
        eq(messageDeliveries.channel, values.channel),
        eq(messageDeliveries.status, 'failed'),
      ),
    )
    .returning();
  if (!retried) return null;
  const [counted] = await executor
    .update(messageDeliveries)
    .set({ attempts: retried.attempts + 1 })
    .where(eq(messageDeliveries.id, retried.id))
    .returning();
  return counted ?? retried;
}

export async function finishDelivery(
  executor: Executor,
  id: string,
  values: {
    status: 'sent' | 'failed' | 'skipped';
    address: string | null;
    error: string | null;
    at: Date;
  },
): Promise<void> {
  await executor
    .update(messageDeliveries)
    .set({
      status: values.status,
      address: values.address,
      error: values.error,
      finishedAt: values.at,
    })
    .where(eq(messageDeliveries.id, id));
}

/** The bell's entry of a message (its read state is the message's). */
export async function insertInAppEntry(
  executor: Executor,
  message: typeof messages.$inferSelect,
  at: Date,
): Promise<void> {
  const [entry] = await executor
    .insert(notifications)
    .values({
      organizationId: message.organizationId,
      userId: message.recipientUserId,
      title: message.title,
      body: message.body,
      link: message.link,
      createdAt: at,
    })
    .returning({ id: notifications.id });
  await executor
    .update(messages)
    .set({ notificationId: entry!.id })
    .where(eq(messages.id, message.id));
}

export async function listMessagesOf(executor: Executor, userId: string, limit: number) {
  return executor
    .select({ message: messages, readAt: notifications.readAt })
    .from(messages)
    .leftJoin(notifications, eq(notifications.id, messages.notificationId))
    .where(eq(messages.recipientUserId, userId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
}

export async function findSettingsRow(executor: Executor, organizationId: string) {
  const [row] = await executor
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.organizationId, organizationId));
  return row;
}

export async function saveSettingsRow(
  executor: Executor,
  organizationId: string,
  version: number,
  values: Omit<typeof notificationSettings.$inferInsert, 'organizationId' | 'version'>,
) {
  if (version === 0) {
    const [created] = await executor
      .insert(notificationSettings)
      .values({ organizationId, ...values, version: 1 })
      .onConflictDoNothing()
      .returning();
    return created;
  }
  const [updated] = await executor
    .update(notificationSettings)
    .set({ ...values, version: version + 1 })
    .where(
      and(
        eq(notificationSettings.organizationId, organizationId),
        eq(notificationSettings.version, version),
      ),
    )
    .returning();
  return updated;
}

export async function findPreferences(executor: Executor, userId: string) {
  const [row] = await executor
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  return row;
}

export async function savePreferences(
  executor: Executor,
  values: {
    userId: string;
    organizationId: string;
    version: number;
    channels: string[] | null;
    wecomUserId: string | null;
    dingtalkUserId: string | null;
    now: Date;
  },
) {
  const fields = {
    channels: values.channels,
    wecomUserId: values.wecomUserId,
    dingtalkUserId: values.dingtalkUserId,
    updatedAt: values.now,
  };
  if (values.version === 0) {
    const [created] = await executor
      .insert(notificationPreferences)
      .values({ userId: values.userId, organizationId: values.organizationId, ...fields })
      .onConflictDoNothing()
      .returning();
    return created;
  }
  const [updated] = await executor
    .update(notificationPreferences)
    .set({ ...fields, version: values.version + 1 })
    .where(
      and(
        eq(notificationPreferences.userId, values.userId),
        eq(notificationPreferences.version, values.version),
      ),
    )
    .returning();
  return updated;
}
