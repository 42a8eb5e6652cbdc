import {
  messageListQuerySchema,
  messageListSchema,
  notificationSettingsViewSchema,
  preferencesViewSchema,
  updateNotificationSettingsBodySchema,
  updatePreferencesBodySchema,
} from '../../../shared/api/notifications';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { NotificationService } from './notification.service';

export function registerNotificationRoutes(app: ApiInstance, notifications: NotificationService) {
  app.get(
    '/api/v1/messages',
    {
      schema: {
        operationId: 'messages.list',
        tags: ['notifications'],
        description: 'My handover messages (交接提醒), newest first, with how each channel went.',
        querystring: messageListQuerySchema,
        response: { 200: messageListSchema },
      },
    },
    async (request) => notifications.messages(actorOf(request), request.query.limit),
  );

  app.get(
    '/api/v1/messages/preferences',
    {
      schema: {
        operationId: 'messages.preferences',
        tags: ['notifications'],
        response: { 200: preferencesViewSchema },
      },
    },
    async (request) => notifications.getPreferences(actorOf(request)),
  );

  app.put(
    '/api/v1/messages/preferences',
    {
      schema: {
        operationId: 'messages.updatePreferences',
        tags: ['notifications'],
        body: updatePreferencesBodySchema,
        response: { 200: preferencesViewSchema },
      },
    },
    async (request) => notifications.updatePreferences(actorOf(request), request.body),
  );

  app.get(
    '/api/v1/messages/settings',
    {
      schema: {
        operationId: 'messages.settings',
        tags: ['notifications'],
        description:
          "The office's default channels, due-soon days and work chat apps (secrets masked).",
        response: { 200: notificationSettingsViewSchema },
      },
    },
    async (request) => notifications.getSettings(actorOf(request)),
  );

  app.put(
    '/api/v1/messages/settings',
    {
      schema: {
        operationId: 'messages.updateSettings',
        tags: ['notifications'],
        body: updateNotificationSettingsBodySchema,
        response: { 200: notificationSettingsViewSchema },
      },
    },
    async (request) => notifications.updateSettings(actorOf(request), request.body),
  );
}
