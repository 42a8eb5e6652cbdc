import { z } from 'zod';
import { timestampSchema } from './common';
import { messageChannels, messageKinds } from '../notifications/messages';
import { workingRoles, organizationStaff } from '../access';
import { defineOperation } from './operation';

export const messageChannelSchema = z.enum(messageChannels);
export const messageKindSchema = z.enum(messageKinds);

const secretStateSchema = z.object({ set: z.boolean(), masked: z.string().nullable() });

/** The office's channels: defaults for everyone, how many days before a deadline to remind, and the apps. */
export const notificationSettingsViewSchema = z.object({
  defaultChannels: z.array(messageChannelSchema),
  dueSoonDays: z.number().int(),
  wecom: z.object({
    corpId: z.string().nullable(),
    agentId: z.string().nullable(),
    secret: secretStateSchema,
  }),
  dingtalk: z.object({
    appKey: z.string().nullable(),
    agentId: z.string().nullable(),
    appSecret: secretStateSchema,
  }),
  mailConfigured: z.boolean(),
  version: z.number().int(),
});
export type NotificationSettingsView = z.infer<typeof notificationSettingsViewSchema>;

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();
export const updateNotificationSettingsBodySchema = z.object({
  version: z.number().int().min(0),
  defaultChannels: z.array(messageChannelSchema).max(4),
  dueSoonDays: z.number().int().min(1).max(60),
  wecomCorpId: optionalText(100),
  wecomAgentId: optionalText(20),
  /** Omitted: keep; null: remove. Never returned after saving. */
  wecomSecret: optionalText(200),
  dingtalkAppKey: optionalText(100),
  dingtalkAgentId: optionalText(20),
  dingtalkAppSecret: optionalText(200),
});

/** A person's own choice of channels (null: the office's defaults) and their ids in WeCom and DingTalk. */
export const preferencesViewSchema = z.object({
  channels: z.array(messageChannelSchema).nullable(),
  officeChannels: z.array(messageChannelSchema),
  wecomUserId: z.string().nullable(),
  dingtalkUserId: z.string().nullable(),
  email: z.string().nullable(),
  version: z.number().int(),
});
export type PreferencesView = z.infer<typeof preferencesViewSchema>;
export const updatePreferencesBodySchema = z.object({
  version: z.number().int().min(0),
  channels: z.array(messageChannelSchema).max(4).nullable(),
  wecomUserId: z.string().trim().min(1).max(64).nullable(),
  dingtalkUserId: z.string().trim().min(1).max(64).nullable(),
});

export const deliveryStatusSchema = z.enum(['sending', 'sent', 'failed', 'skipped']);
export const messageViewSchema = z.object({
  id: z.uuid(),
  kind: messageKindSchema,
  /** The bell's entry: mark it read with notifications.read. */
  notificationId: z.uuid().nullable(),
  title: z.string(),
  body: z.string(),
  /** What to do, in a few words (the button). */
  action: z.string(),
  link: z.string(),
  planName: z.string().nullable(),
  departmentName: z.string().nullable(),
  createdAt: timestampSchema,
  readAt: timestampSchema.nullable(),
  deliveries: z.array(
    z.object({
      channel: messageChannelSchema,
      status: deliveryStatusSchema,
      error: z.string().nullable(),
    }),
  ),
});
export type MessageView = z.infer<typeof messageViewSchema>;
export const messageListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export const messageListSchema = z.object({
  unread: z.number().int(),
  items: z.array(messageViewSchema),
});
export type MessageList = z.infer<typeof messageListSchema>;

export const notificationsApi = {
  messagesList: defineOperation({
    id: 'messages.list',
    method: 'GET',
    path: '/api/v1/messages',
    tags: ['notifications'],
    description: 'My handover messages (交接提醒), newest first, with how each channel went.',
    query: messageListQuerySchema,
    response: messageListSchema,
    access: workingRoles,
  }),
  messagesPreferences: defineOperation({
    id: 'messages.preferences',
    method: 'GET',
    path: '/api/v1/messages/preferences',
    tags: ['notifications'],
    response: preferencesViewSchema,
    access: workingRoles,
  }),
  messagesUpdatePreferences: defineOperation({
    id: 'messages.updatePreferences',
    method: 'PUT',
    path: '/api/v1/messages/preferences',
    tags: ['notifications'],
    body: updatePreferencesBodySchema,
    response: preferencesViewSchema,
    access: workingRoles,
  }),
  messagesSettings: defineOperation({
    id: 'messages.settings',
    method: 'GET',
    path: '/api/v1/messages/settings',
    tags: ['notifications'],
    description:
      "The office's default channels, due-soon days and work chat apps (secrets masked).",
    response: notificationSettingsViewSchema,
    access: organizationStaff,
  }),
  messagesUpdateSettings: defineOperation({
    id: 'messages.updateSettings',
    method: 'PUT',
    path: '/api/v1/messages/settings',
    tags: ['notifications'],
    body: updateNotificationSettingsBodySchema,
    response: notificationSettingsViewSchema,
    access: organizationStaff,
  }),
};
