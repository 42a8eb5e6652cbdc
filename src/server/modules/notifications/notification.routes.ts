import { route } from '../../http/route';
import { notificationsApi } from '../../../shared/api/notifications';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { NotificationService } from './notification.service';
import { requestLocale } from '../../http/request-locale';

export function registerNotificationRoutes(app: ApiInstance, notifications: NotificationService) {
  route(app, notificationsApi.messagesList, async (request) =>
    notifications.messages(actorOf(request), request.query.limit, requestLocale(request)),
  );

  route(app, notificationsApi.messagesPreferences, async (request) =>
    notifications.getPreferences(actorOf(request)),
  );

  route(app, notificationsApi.messagesUpdatePreferences, async (request) =>
    notifications.updatePreferences(actorOf(request), request.body),
  );

  route(app, notificationsApi.messagesSettings, async (request) =>
    notifications.getSettings(actorOf(request)),
  );

  route(app, notificationsApi.messagesUpdateSettings, async (request) =>
    notifications.updateSettings(actorOf(request), request.body),
  );
}
